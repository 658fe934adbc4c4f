/* The C door of the cross-door test (python/tests/test_doors.py): prints
 * the report libvalidate gives for one case, to compare with the Rust,
 * CLI and Python doors.
 *
 *   doors POLICY cms AT SIGNATURE [CONTENT]
 *   doors POLICY pkcs1 AT DATA SIGNATURE CERTIFICATE ALGORITHM
 *   doors POLICY certificates AT FILE
 *   doors - chain AT LEAF INTERMEDIATES ANCHORS OPTIONS_JSON
 *   doors POLICY mutants AT SIGNATURE [CONTENT]
 *
 * `mutants` verifies every single-byte mutant of SIGNATURE (each byte
 * flipped, dropped, a zero inserted before it; the order and names of
 * tests/src/bin/doors.rs) and prints one line per mutant: its name, a tab,
 * and the report (or `error N` when the call failed), for
 * python/tests/test_mutation.py to judge and compare with the Rust door.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <validate.h>

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "%s: cannot open\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  rewind(f);
  unsigned char *buf = malloc(*len ? *len : 1);
  if (buf == NULL || fread(buf, 1, *len, f) != *len) {
    fprintf(stderr, "%s: cannot read\n", path);
    exit(2);
  }
  fclose(f);
  return buf;
}

/* One mutant through validate_verify_cms: prints "NAME\tREPORT". */
static void verify_mutant(validate_validator *v, const char *what, size_t i, const unsigned char *sig, size_t len,
                          const unsigned char *content, size_t content_len, const char *at) {
  char *out = NULL;
  int status = validate_verify_cms(v, sig, len, content, content_len, at, &out);
  if (status == VALIDATE_STATUS_OK) {
    printf("%s %zu\t%s\n", what, i, out);
    validate_string_free(out);
  } else {
    printf("%s %zu\terror %d\n", what, i, status);
  }
}

static int mutants(validate_validator *v, const unsigned char *sig, size_t len, const unsigned char *content,
                   size_t content_len, const char *at) {
  unsigned char *m = malloc(len + 1);
  if (m == NULL) {
    return 2;
  }
  for (size_t i = 0; i < len; i++) {
    memcpy(m, sig, len);
    m[i] ^= 0xFF;
    verify_mutant(v, "flip", i, m, len, content, content_len, at);
    memcpy(m, sig, i);
    memcpy(m + i, sig + i + 1, len - i - 1);
    verify_mutant(v, "drop", i, m, len - 1, content, content_len, at);
    memcpy(m, sig, i);
    m[i] = 0;
    memcpy(m + i + 1, sig + i, len - i);
    verify_mutant(v, "insert", i, m, len + 1, content, content_len, at);
  }
  free(m);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: see the comment at the top of doors.c\n");
    return 2;
  }
  const char *kind = argv[2], *at = argv[3];
  char *out = NULL;
  int status;
  if (strcmp(kind, "chain") == 0 && argc == 8) {
    size_t l1, l2, l3;
    unsigned char *leaf = slurp(argv[4], &l1), *inter = slurp(argv[5], &l2), *anchors = slurp(argv[6], &l3);
    status = validate_chain(leaf, l1, inter, l2, anchors, l3, argv[7], &out);
    free(leaf);
    free(inter);
    free(anchors);
  } else {
    validate_validator *v = NULL;
    if (validate_validator_from_file(argv[1], &v) != VALIDATE_STATUS_OK) {
      fprintf(stderr, "policy: %s\n", validate_last_error());
      return 2;
    }
    size_t l1 = 0, l2 = 0, l3 = 0;
    if (strcmp(kind, "mutants") == 0) {
      unsigned char *sig = slurp(argv[4], &l1);
      unsigned char *content = argc > 5 ? slurp(argv[5], &l2) : NULL;
      int rc = mutants(v, sig, l1, content, l2, at);
      free(sig);
      free(content);
      validate_validator_free(v);
      return rc;
    } else if (strcmp(kind, "cms") == 0) {
      unsigned char *sig = slurp(argv[4], &l1);
      unsigned char *content = argc > 5 ? slurp(argv[5], &l2) : NULL;
      status = validate_verify_cms(v, sig, l1, content, l2, at, &out);
      free(sig);
      free(content);
    } else if (strcmp(kind, "pkcs1") == 0 && argc == 8) {
      unsigned char *data = slurp(argv[4], &l1), *sig = slurp(argv[5], &l2), *cert = slurp(argv[6], &l3);
      status = validate_verify_pkcs1(v, data, l1, sig, l2, cert, l3, argv[7], at, &out);
      free(data);
      free(sig);
      free(cert);
    } else if (strcmp(kind, "certificates") == 0) {
      unsigned char *certs = slurp(argv[4], &l1);
      status = validate_certificates(v, certs, l1, at, &out);
      free(certs);
    } else {
      fprintf(stderr, "unknown kind %s\n", kind);
      validate_validator_free(v);
      return 2;
    }
    validate_validator_free(v);
  }
  if (status != VALIDATE_STATUS_OK) {
    fprintf(stderr, "error %d: %s\n", status, validate_last_error());
    return 2;
  }
  printf("%s\n", out);
  validate_string_free(out);
  return 0;
}
