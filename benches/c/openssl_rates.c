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
 *   openssl_rates verifyder ROOT.der INTERMEDIATE.der LEAF.der SECONDS
 *       cold chain validation from DER: d2i_X509 of the three certificates,
 *       a new X509_STORE holding the root, X509_verify_cert, all freed, per
 *       call; prints "chains_per_second N".
 *   openssl_rates cmsmany LIST ROOT.pem INTERMEDIATE.pem SECONDS
 *       CMS_verify over the detached signatures listed in LIST (lines of
 *       "SIGNATURE.der CONTENT", all read into memory first), in turn, with
 *       one long-lived X509_STORE (as a signing service keeps); prints
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

static X509 *d2i_file(const unsigned char *der, long len) {
    const unsigned char *p = der;
    return d2i_X509(NULL, &p, len);
}

static int verifyder(const char *root, const char *inter, const char *leaf, double seconds) {
    long rl, il, ll;
    unsigned char *rd = read_all(root, &rl), *id = read_all(inter, &il), *ld = read_all(leaf, &ll);
    long done = 0;
    double start = now(), elapsed = 0;
    while (elapsed < seconds) {
        for (int k = 0; k < 20; k++) {
            X509 *r = d2i_file(rd, rl), *i = d2i_file(id, il), *l = d2i_file(ld, ll);
            if (!r || !i || !l) { fprintf(stderr, "d2i_X509 failed\n"); return 1; }
            X509_STORE *store = X509_STORE_new();
            X509_STORE_add_cert(store, r);
            STACK_OF(X509) *untrusted = sk_X509_new_null();
            sk_X509_push(untrusted, i);
            X509_STORE_CTX *ctx = X509_STORE_CTX_new();
            X509_STORE_CTX_init(ctx, store, l, untrusted);
            if (X509_verify_cert(ctx) != 1) {
                fprintf(stderr, "verify failed: %s\n",
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
                return 1;
            }
            X509_STORE_CTX_free(ctx);
            sk_X509_pop_free(untrusted, X509_free);
            X509_STORE_free(store);
            X509_free(r);
            X509_free(l);
            done++;
        }
        elapsed = now() - start;
    }
    printf("chains_per_second %.0f\n", done / elapsed);
    free(rd); free(id); free(ld);
    return 0;
}

static int cmsmany(const char *list, const char *root, const char *inter, double seconds) {
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, read_pem(root));
    X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, read_pem(inter));
    FILE *f = fopen(list, "r");
    if (!f) { perror(list); return 2; }
    enum { MAX = 20000 };
    static unsigned char *sigs[MAX], *contents[MAX];
    static long sig_lens[MAX], content_lens[MAX];
    int n = 0;
    char sig_path[4096], content_path[4096];
    while (n < MAX && fscanf(f, "%4095s %4095s", sig_path, content_path) == 2) {
        sigs[n] = read_all(sig_path, &sig_lens[n]);
        contents[n] = read_all(content_path, &content_lens[n]);
        n++;
    }
    fclose(f);
    if (n == 0) { fprintf(stderr, "%s: no signatures\n", list); return 2; }
    long done = 0;
    double start = now(), elapsed = 0;
    while (done == 0 || elapsed < seconds) {
        int k = done % n;
        const unsigned char *p = sigs[k];
        CMS_ContentInfo *ci = d2i_CMS_ContentInfo(NULL, &p, sig_lens[k]);
        BIO *data = BIO_new_mem_buf(contents[k], (int)content_lens[k]);
        if (!ci || !data || CMS_verify(ci, untrusted, store, data, NULL, CMS_BINARY) != 1) {
            ERR_print_errors_fp(stderr);
            return 1;
        }
        BIO_free(data);
        CMS_ContentInfo_free(ci);
        done++;
        if (done % 16 == 0) elapsed = now() - start;
    }
    elapsed = now() - start;
    printf("verifications_per_second %.3f\n", done / elapsed);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 6 && strcmp(argv[1], "verifyder") == 0)
        return verifyder(argv[2], argv[3], argv[4], atof(argv[5]));
    if (argc == 6 && strcmp(argv[1], "cmsmany") == 0)
        return cmsmany(argv[2], argv[3], argv[4], atof(argv[5]));
    if (argc == 7 && strcmp(argv[1], "cms") == 0)
        return cms(argv[2], argv[3], argv[4], argv[5], atof(argv[6]));
    if (argc == 4 && strcmp(argv[1], "parse") == 0) return parse(argv[2], atof(argv[3]));
    if (argc == 6 && strcmp(argv[1], "verify") == 0)
        return verify(argv[2], argv[3], argv[4], atof(argv[5]));
    fprintf(stderr, "usage: see the comment at the top of openssl_rates.c\n");
    return 2;
}
