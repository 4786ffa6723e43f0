// libcurl for the HTTP and e-mail plugins: curl_easy_setopt/getinfo are variadic, so
// each argument type gets a typed wrapper Swift can call.
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*ccurl_rwfunc)(char *buffer, size_t size, size_t count, void *context);
typedef int (*ccurl_xferinfofunc)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
typedef int (*ccurl_debugfunc)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);

static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_rwfunc(CURL *handle, CURLoption option, ccurl_rwfunc value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_debugfunc(CURL *handle, CURLoption option, ccurl_debugfunc value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_setopt_xferinfofunc(CURL *handle, CURLoption option, ccurl_xferinfofunc value) { return curl_easy_setopt(handle, option, value); }
static inline CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) { return curl_easy_getinfo(handle, info, value); }

#endif
