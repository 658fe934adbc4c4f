/* The C side of the bindings overhead benchmark (benches/bindings/run.sh). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "validate.h"

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  const char *path = getenv("BENCH_REQUEST");
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) return 2;
  static char request[1 << 16];
  size_t len = fread(request, 1, sizeof request - 1, f);
  request[len] = 0;
  fclose(f);
  validate_validator *v = NULL;
  if (validate_validator_new("{\"name\": \"bench\", \"trustAnchors\": [\"examples/chain/root.pem\"]}", NULL, &v))
    return 1;
  for (int i = 0; i < n / 10 + n; i++) {
    struct timespec t0;
    static struct timespec start;
    if (i == n / 10) clock_gettime(CLOCK_MONOTONIC, &start);
    char *report = NULL;
    if (validate_request(v, request, "2030-01-01T00:00:00Z", &report)) return 1;
    validate_string_free(report);
    if (i == n / 10 + n - 1) {
      clock_gettime(CLOCK_MONOTONIC, &t0);
      double us = ((t0.tv_sec - start.tv_sec) * 1e9 + (t0.tv_nsec - start.tv_nsec)) / 1e3 / n;
      printf("c %.1f us/call (%d calls)\n", us, n);
    }
  }
  /* The floor: the cheapest call (health), 100x as many times. */
  struct timespec h0, h1;
  clock_gettime(CLOCK_MONOTONIC, &h0);
  for (int i = 0; i < n * 100; i++) {
    char *health = NULL;
    if (validate_health(&health)) return 1;
    validate_string_free(health);
  }
  clock_gettime(CLOCK_MONOTONIC, &h1);
  printf("c-health %.3f us/call (%d calls)\n",
         ((h1.tv_sec - h0.tv_sec) * 1e9 + (h1.tv_nsec - h0.tv_nsec)) / 1e3 / (n * 100.0), n * 100);
  validate_validator_free(v);
  return 0;
}
