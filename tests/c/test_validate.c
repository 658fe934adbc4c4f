#define _POSIX_C_SOURCE 200809L
/* Exercises every function of libvalidate, success and error paths.
 * Usage: test_validate EXAMPLES_DIR WORK_DIR
 *   EXAMPLES_DIR: the repository's examples/ (chain/, signatures/)
 *   WORK_DIR: a writable folder holding raw.sig (openssl dgst -sha256 -sign
 *             chain/leaf.key over signatures/content.txt); the archive is created there.
 * Prints "N passed, M failed" and exits non-zero on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "validate.h"

static int passed, failed;

#define CHECK(cond, what)                                                    \
  do {                                                                       \
    if (cond) {                                                              \
      passed++;                                                              \
    } else {                                                                 \
      failed++;                                                              \
      const char *e = validate_last_error();                                 \
      fprintf(stderr, "FAIL %s:%d %s (last error: %s)\n", __FILE__, __LINE__, \
              what, e ? e : "none");                                         \
    }                                                                        \
  } while (0)

#define CONTAINS(s, needle) ((s) != NULL && strstr((s), (needle)) != NULL)
#define ACCEPTED "\"opResult\":{\"resultStatus\":0},\"policy\":{\"resultStatus\":0"

static unsigned char *read_file(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
  buf[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* base64 of a buffer, for requests */
static char *b64(const unsigned char *in, size_t n) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc(4 * ((n + 2) / 3) + 1), *p = out;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
    *p++ = t[v >> 18 & 63];
    *p++ = t[v >> 12 & 63];
    *p++ = i + 1 < n ? t[v >> 6 & 63] : '=';
    *p++ = i + 2 < n ? t[v & 63] : '=';
  }
  *p = 0;
  return out;
}

static const char *AT = "2030-01-01T00:00:00Z";

struct thread_arg {
  const validate_validator *v;
  const char *request;
  int ok;
};

static void *worker(void *p) {
  struct thread_arg *a = p;
  a->ok = 1;
  for (int i = 0; i < 5; i++) {
    char *report = NULL;
    if (validate_request(a->v, a->request, AT, &report) != VALIDATE_STATUS_OK ||
        !CONTAINS(report, "\"opResult\"")) a->ok = 0;
    validate_string_free(report);
  }
  /* an error on this thread leaves other threads' last error alone */
  char *out = NULL;
  if (validate_request(a->v, NULL, AT, &out) != VALIDATE_STATUS_NULL_POINTER) a->ok = 0;
  if (!CONTAINS(validate_last_error(), "request")) a->ok = 0;
  return NULL;
}

/* Threads share one archive handle: queries and records take turns. */
struct archive_arg {
  validate_archive *a;
  int ok;
};

static void *archive_worker(void *p) {
  struct archive_arg *arg = p;
  arg->ok = 1;
  for (int i = 0; i < 5; i++) {
    char *out = NULL;
    if (validate_archive_query(arg->a, "{\"PageSize\": 1}", NULL, &out) != VALIDATE_STATUS_OK ||
        !CONTAINS(out, "\"Success\":true")) arg->ok = 0;
    validate_string_free(out);
    out = NULL;
    if (validate_archive_record(arg->a, "{\"Timestamp\":\"2023-01-01T00:00:00Z\"}", &out) != VALIDATE_STATUS_OK)
      arg->ok = 0;
    validate_string_free(out);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s EXAMPLES_DIR WORK_DIR\n", argv[0]);
    return 2;
  }
  const char *ex = argv[1], *work = argv[2];
  char chain_dir[4096], sig_dir[4096];
  snprintf(chain_dir, sizeof chain_dir, "%s/chain", ex);
  snprintf(sig_dir, sizeof sig_dir, "%s/signatures", ex);
  size_t root_len, chain_len, leaf_len, inter_len, p7s_len, content_len, raw_len, p7m_len;
  unsigned char *root = read_file(chain_dir, "root.pem", &root_len);
  unsigned char *chain = read_file(chain_dir, "chain.pem", &chain_len);
  unsigned char *leaf = read_file(chain_dir, "leaf.pem", &leaf_len);
  unsigned char *inter = read_file(chain_dir, "intermediate.pem", &inter_len);
  unsigned char *p7s = read_file(sig_dir, "detached.p7s", &p7s_len);
  unsigned char *p7m = read_file(sig_dir, "attached.p7m", &p7m_len);
  unsigned char *content = read_file(sig_dir, "content.txt", &content_len);
  unsigned char *raw = read_file(work, "raw.sig", &raw_len);

  CHECK(strlen(validate_version()) > 0, "version");

  /* --- validator from policy JSON, from a file; errors --- */
  validate_validator *v = NULL;
  char policy[256];
  snprintf(policy, sizeof policy,
           "{\"name\":\"acme\",\"trustAnchors\":[\"root.pem\"],\"intermediates\":[\"intermediate.pem\"]}");
  CHECK(validate_validator_new(policy, chain_dir, &v) == VALIDATE_STATUS_OK && v, "validator from JSON");
  CHECK(validate_last_error() == NULL, "no last error after success");
  validate_validator *bad = NULL;
  CHECK(validate_validator_new("{\"name\":\"x\"}", chain_dir, &bad) == VALIDATE_STATUS_INVALID_INPUT && !bad,
        "policy without trustAnchors");
  CHECK(CONTAINS(validate_last_error(), "trustAnchors"), "message names trustAnchors");
  CHECK(validate_validator_new("{\"name\":\"x\",\"trustAnchors\":[\"missing.pem\"]}", chain_dir, &bad) ==
            VALIDATE_STATUS_INVALID_INPUT, "policy naming a missing file");
  CHECK(validate_validator_new(NULL, NULL, &bad) == VALIDATE_STATUS_NULL_POINTER, "null policy");
  CHECK(validate_validator_new(policy, chain_dir, NULL) == VALIDATE_STATUS_NULL_POINTER, "null out");
  CHECK(validate_validator_new("{\"name\":\"\xff\xfe\"}", NULL, &bad) == VALIDATE_STATUS_INVALID_UTF8, "invalid UTF-8");

  char policy_path[4096];
  snprintf(policy_path, sizeof policy_path, "%s/policy.json", work);
  FILE *pf = fopen(policy_path, "w");
  fprintf(pf, "{\"name\":\"from-file\",\"trustAnchors\":[\"%s/root.pem\"]}", chain_dir);
  fclose(pf);
  validate_validator *vf = NULL;
  CHECK(validate_validator_from_file(policy_path, &vf) == VALIDATE_STATUS_OK && vf, "validator from file");
  CHECK(validate_validator_from_file("/nonexistent/policy.json", &bad) == VALIDATE_STATUS_IO, "missing policy file");
  CHECK(validate_validator_from_file(NULL, &bad) == VALIDATE_STATUS_NULL_POINTER, "null path");
  CHECK(validate_validator_from_file(policy_path, NULL) == VALIDATE_STATUS_NULL_POINTER, "null out (file)");

  /* --- validate a request --- */
  char *chain_b64 = b64(chain, chain_len);
  size_t rlen = strlen(chain_b64) + 100;
  char *request = malloc(rlen);
  snprintf(request, rlen, "{\"signatureType\":\"X509\",\"certificate\":\"%s\"}", chain_b64);
  char *report = NULL;
  CHECK(validate_request(v, request, AT, &report) == VALIDATE_STATUS_OK, "request OK");
  CHECK(CONTAINS(report, "\"resultStatus\":0") && CONTAINS(report, "\"acme\""), "report acceptable, policy named");
  validate_string_free(report);
  report = NULL;
  CHECK(validate_request(vf, request, NULL, &report) == VALIDATE_STATUS_OK && CONTAINS(report, "from-file"),
        "request at now with the file policy");
  validate_string_free(report);
  report = NULL;
  CHECK(validate_request(v, "{not json", AT, &report) == VALIDATE_STATUS_OK && CONTAINS(report, "\"opResult\""),
        "a bad request is a report");
  validate_string_free(report);
  CHECK(validate_request(v, request, "yesterday", &report) == VALIDATE_STATUS_INVALID_ARGUMENT, "bad time");
  CHECK(validate_request(NULL, request, AT, &report) == VALIDATE_STATUS_NULL_POINTER, "null validator");
  CHECK(validate_request(v, NULL, AT, &report) == VALIDATE_STATUS_NULL_POINTER, "null request");
  CHECK(validate_request(v, request, AT, NULL) == VALIDATE_STATUS_NULL_POINTER, "null out report");
  CHECK(validate_request(v, "\xc3\x28", AT, &report) == VALIDATE_STATUS_INVALID_UTF8, "request not UTF-8");

  /* --- threads share a validator --- */
  char *main_error = strdup(validate_last_error());
  pthread_t threads[4];
  struct thread_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i].v = v;
    args[i].request = request;
    pthread_create(&threads[i], NULL, worker, &args[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    CHECK(args[i].ok, "thread validations");
  }
  CHECK(strcmp(validate_last_error(), main_error) == 0, "last error is per thread");
  free(main_error);

  /* --- CMS --- */
  char *result = NULL;
  CHECK(validate_verify_cms(v, p7s, p7s_len, content, content_len, "2027-06-01T00:00:00Z", &result) ==
            VALIDATE_STATUS_OK, "detached CMS");
  CHECK(CONTAINS(result, ACCEPTED) && CONTAINS(result, "\"type\":\"CAdES-Explicit\""), "detached CMS valid");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_cms(v, p7m, p7m_len, NULL, 0, "2027-06-01T00:00:00Z", &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, ACCEPTED) && CONTAINS(result, "\"type\":\"CAdES\""), "attached CMS valid");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_cms(v, p7s, p7s_len, (const unsigned char *)"tampered", 8, "2027-06-01T00:00:00Z",
                            &result) == VALIDATE_STATUS_OK && CONTAINS(result, "\"code\":30205") &&
            CONTAINS(result, "\"policy\":{\"resultStatus\":2"),
        "wrong content is a finding");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_cms(v, (const unsigned char *)"garbage", 7, NULL, 0, NULL, &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, "\"opResult\":{\"resultStatus\":2") && CONTAINS(result, "\"code\":30002"),
        "garbage CMS is refused in opResult");
  validate_string_free(result);
  CHECK(validate_verify_cms(v, NULL, 5, NULL, 0, NULL, &result) == VALIDATE_STATUS_NULL_POINTER, "null signature");

  /* --- many CMS signatures in one call: a JSON array, in input order, of
   * exactly the one-by-one reports --- */
  {
    const unsigned char *sigs[4] = {p7s, p7s, p7m, (const unsigned char *)"garbage"};
    size_t sig_lens[4] = {p7s_len, p7s_len, p7m_len, 7};
    const unsigned char *contents[4] = {content, (const unsigned char *)"tampered", NULL, NULL};
    size_t content_lens[4] = {content_len, 8, 0, 0};
    char *many = NULL;
    CHECK(validate_verify_cms_many(v, 4, sigs, sig_lens, contents, content_lens, AT, &many) == VALIDATE_STATUS_OK,
          "many CMS");
    size_t expected_len = 3, at_most = 1 << 20;
    char *expected = malloc(at_most);
    strcpy(expected, "[");
    for (int i = 0; i < 4; i++) {
      char *one = NULL;
      CHECK(validate_verify_cms(v, sigs[i], sig_lens[i], contents[i], content_lens[i], AT, &one) == VALIDATE_STATUS_OK,
            "one CMS");
      expected_len += strlen(one) + 1;
      if (one && expected_len < at_most) {
        if (i > 0) strcat(expected, ",");
        strcat(expected, one);
      }
      validate_string_free(one);
    }
    strcat(expected, "]");
    CHECK(many != NULL && strcmp(many, expected) == 0, "many CMS equal the one-by-one reports, in order");
    validate_string_free(many);
    free(expected);
    many = NULL;
    CHECK(validate_verify_cms_many(v, 3, sigs, sig_lens, NULL, NULL, AT, &many) == VALIDATE_STATUS_OK && many &&
              many[0] == '[' && CONTAINS(many, "\"type\":\"CAdES\""),
          "many CMS without contents");
    validate_string_free(many);
    many = NULL;
    CHECK(validate_verify_cms_many(v, 0, NULL, NULL, NULL, NULL, AT, &many) == VALIDATE_STATUS_OK && many &&
              strcmp(many, "[]") == 0,
          "an empty batch");
    validate_string_free(many);
    CHECK(validate_verify_cms_many(v, 2, NULL, sig_lens, NULL, NULL, AT, &many) == VALIDATE_STATUS_NULL_POINTER,
          "null signature array");
    CHECK(validate_verify_cms_many(NULL, 0, NULL, NULL, NULL, NULL, AT, &many) == VALIDATE_STATUS_NULL_POINTER,
          "null validator (many CMS)");
    const char *requests[2] = {"{\"signatureType\":\"nonsense\"}", "{not json"};
    many = NULL;
    CHECK(validate_request_many(v, 2, requests, AT, &many) == VALIDATE_STATUS_OK && many && many[0] == '[' &&
              CONTAINS(many, "nonsense"),
          "many requests");
    validate_string_free(many);
    const char *with_null[2] = {requests[0], NULL};
    CHECK(validate_request_many(v, 2, with_null, AT, &many) == VALIDATE_STATUS_NULL_POINTER, "a null request");
  }

  /* --- XML signatures (XAdES / XML-DSig) --- */
  char xml_dir[4096];
  snprintf(xml_dir, sizeof xml_dir, "%s/../tests/xades", ex);
  size_t xml_len;
  unsigned char *xml = read_file(xml_dir, "example-signed.xml", &xml_len);
  result = NULL;
  CHECK(validate_verify_xml(v, xml, xml_len, NULL, 0, AT, &result) == VALIDATE_STATUS_OK, "XML signature");
  CHECK(CONTAINS(result, "\"type\":\"XAdES\"") && CONTAINS(result, "\"scope\":\"FULL\"") &&
            CONTAINS(result, "\"opResult\":{\"resultStatus\":0}") && CONTAINS(result, "\"policy\":{\"resultStatus\":0"),
        "XML signature acceptable, whole document signed");
  validate_string_free(result);
  result = NULL;
  unsigned char *altered = malloc(xml_len);
  memcpy(altered, xml, xml_len);
  char *amount = strstr((char *)altered, "1250.00");
  if (amount != NULL) amount[0] = '9';
  CHECK(amount != NULL && validate_verify_xml(v, altered, xml_len, NULL, 0, AT, &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, "30405"), "altered XML is a digest finding");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_xml(v, (const unsigned char *)"<!DOCTYPE a><a/>", 16, NULL, 0, AT, &result) ==
            VALIDATE_STATUS_OK && CONTAINS(result, "DOCTYPE"), "DTD refused in opResult");
  validate_string_free(result);
  CHECK(validate_verify_xml(v, NULL, 5, NULL, 0, NULL, &result) == VALIDATE_STATUS_NULL_POINTER, "null XML");
  free(altered);
  free(xml);

  /* --- PDF signatures (PAdES): a buffer, and a path read in blocks --- */
  char pdf_dir[4096], pdf_path[4200], enc_path[4200];
  snprintf(pdf_dir, sizeof pdf_dir, "%s/../tests/pades", ex);
  snprintf(pdf_path, sizeof pdf_path, "%s/example-signed.pdf", pdf_dir);
  snprintf(enc_path, sizeof enc_path, "%s/pypdf/r6-both-passwords.pdf", pdf_dir);
  size_t pdf_len;
  unsigned char *pdf = read_file(pdf_dir, "example-signed.pdf", &pdf_len);
  result = NULL;
  CHECK(validate_verify_pdf(v, pdf, pdf_len, NULL, AT, &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, "\"type\":\"PAdES\"") && CONTAINS(result, "\"fieldName\":\"Sig1\"") &&
            CONTAINS(result, "\"coverage\":\"ENTIRE_FILE\"") &&
            CONTAINS(result, "\"opResult\":{\"resultStatus\":0}") && CONTAINS(result, "\"policy\":{\"resultStatus\":0"),
        "signed PDF acceptable, whole file signed");
  char *from_file = NULL;
  CHECK(validate_verify_pdf_file(v, pdf_path, NULL, AT, &from_file) == VALIDATE_STATUS_OK && result != NULL &&
            from_file != NULL && strcmp(result, from_file) == 0,
        "the path variant gives the same report");
  validate_string_free(result);
  validate_string_free(from_file);
  result = NULL;
  unsigned char *pdf_altered = malloc(pdf_len);
  memcpy(pdf_altered, pdf, pdf_len);
  char *line = strstr((char *)pdf_altered, "300 300 l");
  if (line != NULL) line[0] = '9';
  CHECK(line != NULL && validate_verify_pdf(v, pdf_altered, pdf_len, NULL, AT, &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, "30313") && CONTAINS(result, "\"valid\":false"),
        "altered PDF is an invalid signature");
  validate_string_free(result);
  result = NULL;
  /* pypdf's r6-both-passwords.pdf (user foo, owner bar): a missing or
     wrong password is an input error in opResult; the right one opens it
     (it holds no signature: 30003 nothing to validate). */
  CHECK(validate_verify_pdf_file(v, enc_path, NULL, AT, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "30319"),
        "encrypted PDF without its password");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_pdf_file(v, enc_path, "baz", AT, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "30325"),
        "encrypted PDF with a wrong password");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_pdf_file(v, enc_path, "bar", AT, &result) == VALIDATE_STATUS_OK &&
            !CONTAINS(result, "30319") && !CONTAINS(result, "30325") && CONTAINS(result, "\"pdfSignatures\":[]"),
        "encrypted PDF opened with its owner password");
  validate_string_free(result);
  CHECK(validate_verify_pdf_file(v, "/nonexistent/doc.pdf", NULL, AT, &result) == VALIDATE_STATUS_IO, "missing PDF file");
  CHECK(validate_verify_pdf(v, NULL, 5, NULL, AT, &result) == VALIDATE_STATUS_NULL_POINTER, "null PDF");
  free(pdf_altered);
  free(pdf);
  CHECK(validate_verify_cms(v, p7s, p7s_len, NULL, 3, NULL, &result) == VALIDATE_STATUS_NULL_POINTER, "null content with length");
  CHECK(validate_verify_cms(NULL, p7s, p7s_len, NULL, 0, NULL, &result) == VALIDATE_STATUS_NULL_POINTER, "null validator (CMS)");

  /* --- code signing: a NuGet package and the certificates table --- */
  char nuget_dir[4096];
  snprintf(nuget_dir, sizeof nuget_dir, "%s/../tests/codesign/nuget", ex);
  size_t nupkg_len;
  unsigned char *nupkg = read_file(nuget_dir, "nuget.versioning.5.0.0.nupkg", &nupkg_len);
  result = NULL;
  CHECK(validate_verify_code_signing(v, nupkg, nupkg_len, AT, &result) == VALIDATE_STATUS_OK, "NuGet package");
  CHECK(CONTAINS(result, "\"type\":\"NuGet\"") && CONTAINS(result, "NU3028"),
        "NuGet report: its timestamps chain to roots the example policy does not trust (NU3028)");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_signature_records(v, nupkg, nupkg_len, AT, &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, "\"CodeSigningStatus\":\"Invalid\"") && CONTAINS(result, "\"TimestampingStatus\":\"Invalid\""),
        "certificate records of the package's signatures");
  validate_string_free(result);
  CHECK(validate_verify_code_signing(v, content, content_len, AT, &result) == VALIDATE_STATUS_INVALID_INPUT,
        "neither a package nor a PE file");
  CHECK(validate_signature_records(v, NULL, 4, AT, &result) == VALIDATE_STATUS_NULL_POINTER, "null file");
  free(nupkg);

  /* --- PKCS#1 --- */
  result = NULL;
  CHECK(validate_verify_pkcs1(v, content, content_len, raw, raw_len, leaf, leaf_len, "SHA256withRSA", AT,
                              &result) == VALIDATE_STATUS_OK, "PKCS#1");
  CHECK(CONTAINS(result, ACCEPTED) && CONTAINS(result, "\"type\":\"PKCS1\""), "PKCS#1 signature verifies");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_pkcs1(v, (const unsigned char *)"other", 5, raw, raw_len, leaf, leaf_len, "SHA256withRSA",
                              AT, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "\"code\":30018") &&
            CONTAINS(result, "\"policy\":{\"resultStatus\":2"),
        "PKCS#1 over other data does not verify");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_pkcs1(v, content, content_len, raw, raw_len, leaf, leaf_len, "MD5withRSA", AT, &result) ==
            VALIDATE_STATUS_OK && CONTAINS(result, "\"opResult\":{\"resultStatus\":2"),
        "unsupported algorithm is refused in opResult");
  CHECK(CONTAINS(result, "MD5withRSA"), "message names the algorithm");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_verify_pkcs1(v, content, content_len, raw, raw_len, leaf, leaf_len, NULL, AT, &result) ==
            VALIDATE_STATUS_NULL_POINTER, "null algorithm");
  CHECK(validate_verify_pkcs1(v, content, content_len, raw, raw_len, (const unsigned char *)"x", 1, "SHA256withRSA",
                              AT, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "\"code\":30002"),
        "bad certificate is refused in opResult");
  validate_string_free(result);
  result = NULL;

  /* --- chain --- */
  result = NULL;
  CHECK(validate_chain(leaf, leaf_len, inter, inter_len, root, root_len,
                       "{\"time\":\"2030-01-01T00:00:00Z\",\"purposes\":[\"code-signing\"]}", &result) ==
            VALIDATE_STATUS_OK && CONTAINS(result, "\"valid\":true"), "chain valid");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_chain(leaf, leaf_len, NULL, 0, root, root_len, "{\"time\":\"2030-01-01T00:00:00Z\"}", &result) ==
            VALIDATE_STATUS_OK && CONTAINS(result, "\"valid\":false"), "chain without intermediate is invalid");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_chain(leaf, leaf_len, inter, inter_len, root, root_len, NULL, &result) == VALIDATE_STATUS_OK,
        "chain with default options");
  validate_string_free(result);
  CHECK(validate_chain(leaf, leaf_len, inter, inter_len, root, root_len, "{\"colour\":1}", &result) ==
            VALIDATE_STATUS_INVALID_ARGUMENT, "unknown option");
  CHECK(validate_chain(leaf, leaf_len, inter, inter_len, root, root_len, "{\"purposes\":[\"nope\"]}", &result) ==
            VALIDATE_STATUS_INVALID_INPUT, "unknown purpose");
  CHECK(validate_chain(NULL, 0, inter, inter_len, root, root_len, NULL, &result) == VALIDATE_STATUS_INVALID_INPUT,
        "empty leaf");

  /* --- records --- */
  result = NULL;
  CHECK(validate_certificate_records(chain, chain_len, &result) == VALIDATE_STATUS_OK &&
            CONTAINS(result, "Example Code Signing"), "records");
  validate_string_free(result);
  CHECK(validate_certificate_records((const unsigned char *)"nope", 4, &result) == VALIDATE_STATUS_INVALID_INPUT,
        "records of garbage");
  CHECK(validate_certificate_records(chain, chain_len, NULL) == VALIDATE_STATUS_NULL_POINTER, "records null out");

  /* --- health --- */
  result = NULL;
  CHECK(validate_health(&result) == VALIDATE_STATUS_OK && CONTAINS(result, "\"UP\""), "health");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_policy_health(v, AT, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "acme"), "policy health");
  validate_string_free(result);
  CHECK(validate_policy_health(NULL, AT, &result) == VALIDATE_STATUS_NULL_POINTER, "policy health null");
  result = NULL;
  CHECK(validate_statistics(v, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "success"), "statistics");
  validate_string_free(result);
  CHECK(validate_health(NULL) == VALIDATE_STATUS_NULL_POINTER, "health null out");

  /* --- archive --- */
  char db[4096];
  snprintf(db, sizeof db, "%s/archive.db", work);
  remove(db);
  validate_archive *a = NULL;
  CHECK(validate_archive_open(db, &a) == VALIDATE_STATUS_OK && a, "archive open");
  validate_archive *bad_a = NULL;
  CHECK(validate_archive_open("/nonexistent/dir/a.db", &bad_a) == VALIDATE_STATUS_ARCHIVE, "archive in a missing dir");
  CHECK(validate_archive_open(NULL, NULL) == VALIDATE_STATUS_NULL_POINTER, "archive null");
  result = NULL;
  CHECK(validate_archive_record(a,
                                "{\"Timestamp\":\"2022-11-28T22:44:18Z\",\"Project\":\"\\\\VED\\\\Projects\\\\A\"}\n"
                                "\n{\"Timestamp\":\"2022-11-29T10:00:00Z\",\"Project\":\"\\\\VED\\\\Projects\\\\B\"}\n",
                                &result) == VALIDATE_STATUS_OK && CONTAINS(result, "[1,2]"), "archive record");
  validate_string_free(result);
  CHECK(validate_archive_record(a, "{\"Timestamp\":\"2022-11-28T22:44:18Z\",\"IpAddress\":\"x\"}", &result) ==
            VALIDATE_STATUS_INVALID_ARGUMENT, "unknown entry field");
  CHECK(validate_archive_record(a, "{\"Timestamp\":\"2022-11-28T22:44:18Z\",\"ArchiveEntryId\":1}", &result) ==
            VALIDATE_STATUS_ARCHIVE, "duplicate id");
  result = NULL;
  CHECK(validate_archive_query(a, "{\"ArchiveFilter\":{\"ProjectDN\":\"%\\\\A\"}}", NULL, &result) ==
            VALIDATE_STATUS_OK && CONTAINS(result, "\"TotalCount\":1"), "archive query");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_archive_query(a, "", "{\"role\":\"code-signing-auditor\",\"projects\":[\"\\\\VED\\\\Projects\\\\B\"]}",
                               &result) == VALIDATE_STATUS_OK && CONTAINS(result, "\"TotalCount\":1"),
        "auditor sees one project");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_archive_query(a, "{\"PageSize\":0}", NULL, &result) == VALIDATE_STATUS_BAD_REQUEST &&
            CONTAINS(result, "error_description"), "bad request gives the 400 body");
  validate_string_free(result);
  result = NULL;
  CHECK(validate_archive_query(a, "{}", "{\"scope\":\"other\"}", &result) == VALIDATE_STATUS_MISSING_SCOPE &&
            result == NULL, "missing scope");
  CHECK(validate_archive_query(a, "{}", "{\"role\":\"king\"}", &result) == VALIDATE_STATUS_INVALID_ARGUMENT,
        "unknown role");
  CHECK(validate_archive_query(NULL, "{}", NULL, &result) == VALIDATE_STATUS_NULL_POINTER, "archive query null");
  pthread_t athreads[4];
  struct archive_arg aargs[4];
  for (int i = 0; i < 4; i++) {
    aargs[i].a = a;
    pthread_create(&athreads[i], NULL, archive_worker, &aargs[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(athreads[i], NULL);
    CHECK(aargs[i].ok, "archive shared by threads");
  }
  result = NULL;
  CHECK(validate_archive_query(a, "{}", NULL, &result) == VALIDATE_STATUS_OK && CONTAINS(result, "\"TotalCount\":22"),
        "every threaded record is stored");
  validate_string_free(result);
  validate_archive_free(a);
  validate_archive_free(NULL);

  validate_string_free(NULL);
  validate_validator_free(v);
  validate_validator_free(vf);
  validate_validator_free(NULL);
  free(request);
  free(chain_b64);
  free(root);
  free(chain);
  free(leaf);
  free(inter);
  free(p7s);
  free(p7m);
  free(content);
  free(raw);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
