/* Verifies the example detached CMS signature with a policy that trusts
 * the example root. Run from the repository's top folder. */
#include <stdio.h>
#include <stdlib.h>
#include <validate.h>

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  rewind(f);
  unsigned char *buf = malloc(*len);
  if (buf != NULL && fread(buf, 1, *len, f) != *len) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

int main(void) {
  validate_validator *validator = NULL;
  int status = validate_validator_new(
      "{\"name\": \"acme\", \"trustAnchors\": [\"examples/chain/root.pem\"]}", NULL, &validator);
  if (status != VALIDATE_STATUS_OK) {
    fprintf(stderr, "policy: %s\n", validate_last_error());
    return 1;
  }

  size_t sig_len = 0, content_len = 0;
  unsigned char *sig = slurp("examples/signatures/detached.p7s", &sig_len);
  unsigned char *content = slurp("examples/signatures/content.txt", &content_len);
  if (sig == NULL || content == NULL) return 1;

  char *result = NULL; /* JSON, owned by the library */
  status = validate_verify_cms(validator, sig, sig_len, content, content_len,
                               "2030-01-01T00:00:00Z", &result);
  if (status == VALIDATE_STATUS_OK) {
    printf("%s\n", result);
    validate_string_free(result);
  } else {
    fprintf(stderr, "error %d: %s\n", status, validate_last_error());
  }

  free(sig);
  free(content);
  validate_validator_free(validator);
  return status == VALIDATE_STATUS_OK ? 0 : 1;
}
