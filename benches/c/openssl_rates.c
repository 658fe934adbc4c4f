/* OpenSSL side of the side-by-side benchmarks (benches/benches/*.rs build
 * and run this with the system's libcrypto in the same run):
 *
 *   openssl_rates parse FILE.der-list SECONDS
 *       d2i_X509 over every certificate of a file of length-prefixed DER
 *       certificates (4-byte big-endian length, then the DER), repeated for
 *       SECONDS; prints "certificates_per_second N".
 *   openssl_rates verify ROOT.pem INTERMEDIATE.pem LEAF.pem SECONDS
 *       X509_verify_cert with a fresh X509_STORE_CTX per call, repeated for
 *       SECONDS; prints "chains_per_second N".
 *   openssl_rates cms SIGNATURE.der CONTENT ROOT.pem INTERMEDIATE.pem SECONDS
 *       CMS_verify of a detached signature, the content streamed from its
 *       file, repeated for SECONDS (at least once); prints
 *       "verifications_per_second N".
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_all(const char *path, long *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(*len);
    if (!buf || fread(buf, 1, *len, f) != (size_t)*len) { perror(path); exit(2); }
    fclose(f);
    return buf;
}

static X509 *read_pem(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!x) { fprintf(stderr, "%s: not a PEM certificate\n", path); exit(2); }
    return x;
}

static int parse(const char *path, double seconds) {
    long len;
    unsigned char *buf = read_all(path, &len);
    long done = 0;
    double start = now(), elapsed = 0;
    while (elapsed < seconds) {
        long off = 0;
        while (off + 4 <= len) {
            long n = (buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3];
            const unsigned char *p = buf + off + 4;
            X509 *x = d2i_X509(NULL, &p, n);
            if (!x) { fprintf(stderr, "d2i_X509 failed at %ld\n", off); return 1; }
            X509_free(x);
            off += 4 + n;
            done++;
        }
        elapsed = now() - start;
    }
    printf("certificates_per_second %.0f\n", done / elapsed);
    free(buf);
    return 0;
}

static int verify(const char *root, const char *inter, const char *leaf, double seconds) {
    X509_STORE *store = X509_STORE_new();
    X509 *r = read_pem(root), *i = read_pem(inter), *l = read_pem(leaf);
    X509_STORE_add_cert(store, r);
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, i);
    long done = 0;
    double start = now(), elapsed = 0;
    while (elapsed < seconds) {
        for (int k = 0; k < 50; k++) {
            X509_STORE_CTX *ctx = X509_STORE_CTX_new();
            X509_STORE_CTX_init(ctx, store, l, untrusted);
            if (X509_verify_cert(ctx) != 1) {
                fprintf(stderr, "verify failed: %s\n",
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
                return 1;
            }
            X509_STORE_CTX_free(ctx);
            done++;
        }
        elapsed = now() - start;
    }
    printf("chains_per_second %.0f\n", done / elapsed);
    return 0;
}

static int cms(const char *sig, const char *content, const char *root, const char *inter,
               double seconds) {
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, read_pem(root));
    X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, read_pem(inter));
    long len;
    unsigned char *der = read_all(sig, &len);
    long done = 0;
    double start = now(), elapsed = 0;
    while (done == 0 || elapsed < seconds) {
        const unsigned char *p = der;
        CMS_ContentInfo *ci = d2i_CMS_ContentInfo(NULL, &p, len);
        BIO *data = BIO_new_file(content, "rb");
        if (!ci || !data || CMS_verify(ci, untrusted, store, data, NULL, CMS_BINARY) != 1) {
            ERR_print_errors_fp(stderr);
            return 1;
        }
        BIO_free(data);
        CMS_ContentInfo_free(ci);
        done++;
        elapsed = now() - start;
    }
    printf("verifications_per_second %.3f\n", done / elapsed);
    free(der);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 7 && strcmp(argv[1], "cms") == 0)
        return cms(argv[2], argv[3], argv[4], argv[5], atof(argv[6]));
    if (argc == 4 && strcmp(argv[1], "parse") == 0) return parse(argv[2], atof(argv[3]));
    if (argc == 6 && strcmp(argv[1], "verify") == 0)
        return verify(argv[2], argv[3], argv[4], atof(argv[5]));
    fprintf(stderr, "usage: see the comment at the top of openssl_rates.c\n");
    return 2;
}
