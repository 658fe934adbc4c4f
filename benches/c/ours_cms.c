/* Our side of the C ABI CMS comparison (benches/benches/versus.rs builds
 * this against target/release/libvalidate.so and runs it beside
 * openssl_rates in the same run):
 *
 *   ours_cms cmsmany LIST POLICY_JSON AT SECONDS
 *       validate_verify_cms over the detached signatures listed in LIST
 *       (lines of "SIGNATURE.der CONTENT", read into memory first), in
 *       turn, with one long-lived validator made from POLICY_JSON; every
 *       report must be acceptable; prints "verifications_per_second N". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "validate.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc(*len ? *len : 1);
  if (!buf || fread(buf, 1, *len, f) != *len) { perror(path); exit(2); }
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 6 || strcmp(argv[1], "cmsmany") != 0) {
    fprintf(stderr, "usage: see the comment at the top of ours_cms.c\n");
    return 2;
  }
  validate_validator *v = NULL;
  if (validate_validator_new(argv[3], NULL, &v)) {
    fprintf(stderr, "policy: %s\n", validate_last_error());
    return 2;
  }
  FILE *f = fopen(argv[2], "r");
  if (!f) { perror(argv[2]); return 2; }
  enum { MAX = 20000 };
  static unsigned char *sigs[MAX], *contents[MAX];
  static size_t sig_lens[MAX], content_lens[MAX];
  int n = 0;
  char sig_path[4096], content_path[4096];
  while (n < MAX && fscanf(f, "%4095s %4095s", sig_path, content_path) == 2) {
    sigs[n] = read_all(sig_path, &sig_lens[n]);
    contents[n] = read_all(content_path, &content_lens[n]);
    n++;
  }
  fclose(f);
  if (n == 0) return 2;
  double seconds = atof(argv[5]);
  long done = 0;
  double start = now(), elapsed = 0;
  while (done == 0 || elapsed < seconds) {
    int k = done % n;
    char *report = NULL;
    if (validate_verify_cms(v, sigs[k], sig_lens[k], contents[k], content_lens[k], argv[4], &report)) {
      fprintf(stderr, "verify: %s\n", validate_last_error());
      return 1;
    }
    if (!strstr(report, "\"policy\":{\"resultStatus\":0")) {
      fprintf(stderr, "not acceptable: %.400s\n", report);
      return 1;
    }
    validate_string_free(report);
    done++;
    if (done % 16 == 0) elapsed = now() - start;
  }
  elapsed = now() - start;
  printf("verifications_per_second %.3f\n", done / elapsed);
  for (int i = 0; i < n; i++) { free(sigs[i]); free(contents[i]); }
  validate_validator_free(v);
  return 0;
}
