// OpenSSL libcrypto for webhook signatures: one-shot HMAC-SHA256 and constant-time comparison.
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#endif
