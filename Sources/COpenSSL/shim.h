// OpenSSL libcrypto for webhook signatures: HMAC-SHA256 (one-shot, and prepared keys through EVP_MAC) and constant-time comparison.
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#endif
