/* hangar-appliance-signature.c
 *
 * An appliance's signature: the .cert beside its manifest holds a line
 * "SHA256(NAME.mf)= HEX", the signature over the manifest's bytes, and the
 * signer's certificate (and maybe its chain) in PEM. GnuTLS checks the
 * signature with the certificate's key, and says whether this computer's
 * trusted authorities vouch for the certificate.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "hangar-appliance-private.h"

/* Far above any real certificate chain. */
#define MAX_CERTIFICATES 16

/* The signature line: its digest, the file it names, its bytes. */
static gboolean
parse_signature_line (const char        *text,
                      gnutls_digest_algorithm_t *digest,
                      char             **name,
                      GBytes           **signature)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *written = NULL;
  g_autofree char *algorithm = NULL;
  g_autofree char *hex = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize length;

  regex = g_regex_new ("^\\s*(SHA1|SHA256|SHA384|SHA512)\\s*\\(([^)\\n]+)\\)\\s*=\\s*"
                       "([0-9a-fA-F]+)\\s*$", G_REGEX_MULTILINE | G_REGEX_CASELESS, 0, NULL);
  g_assert (regex != NULL);
  if (!g_regex_match (regex, text, 0, &match))
    return FALSE;

  written = g_match_info_fetch (match, 1);
  algorithm = g_ascii_strup (written, -1);
  if (g_str_equal (algorithm, "SHA1"))
    *digest = GNUTLS_DIG_SHA1;
  else if (g_str_equal (algorithm, "SHA256"))
    *digest = GNUTLS_DIG_SHA256;
  else if (g_str_equal (algorithm, "SHA384"))
    *digest = GNUTLS_DIG_SHA384;
  else
    *digest = GNUTLS_DIG_SHA512;

  hex = g_match_info_fetch (match, 3);
  length = strlen (hex);
  if (length % 2 != 0 || length > 2 * 8192)
    return FALSE;
  bytes = g_malloc (length / 2);
  for (gsize i = 0; i < length / 2; i++)
    bytes[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 |
                         g_ascii_xdigit_value (hex[2 * i + 1]));
  *name = g_strstrip (g_match_info_fetch (match, 2));
  *signature = g_bytes_new_take (g_steal_pointer (&bytes), length / 2);
  return TRUE;
}

/* The certificate's common name, else its whole distinguished name. */
static char *
subject_of (gnutls_x509_crt_t certificate)
{
  char buffer[512];
  size_t size = sizeof buffer;
  gnutls_datum_t dn = { NULL, 0 };
  char *subject;

  if (gnutls_x509_crt_get_dn_by_oid (certificate, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buffer,
                                     &size) == 0 &&
      size > 0 && g_utf8_validate (buffer, size, NULL))
    return g_strndup (buffer, size);
  if (gnutls_x509_crt_get_dn3 (certificate, &dn, 0) < 0)
    return g_strdup (_("an unnamed signer"));
  subject = g_utf8_make_valid ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return subject;
}

/* Whether this computer's trusted authorities vouch for @list[0] (with the
 * rest of @list as its chain), now. */
static gboolean
trusted_here (gnutls_x509_crt_t *list,
              unsigned int       count)
{
  gnutls_x509_trust_list_t trust = NULL;
  unsigned int status = 0;
  gboolean trusted = FALSE;

  if (gnutls_x509_trust_list_init (&trust, 0) < 0)
    return FALSE;
  if (gnutls_x509_trust_list_add_system_trust (trust, 0, 0) > 0 &&
      gnutls_x509_trust_list_verify_crt2 (trust, list, count, NULL, 0, 0, &status, NULL) == 0)
    trusted = status == 0;
  /* 1: the authorities it loaded go with it. */
  gnutls_x509_trust_list_deinit (trust, 1);
  return trusted;
}

/**
 * hangar_appliance_check_signature:
 * @cert: the .cert file's contents
 * @cert_length: its length
 * @manifest_name: the manifest's name in the appliance
 * @manifest: the manifest's bytes
 * @manifest_length: their length
 * @signer: (out): the signer's name from the certificate
 * @trusted: (out): whether an authority this computer trusts vouches for it
 * @error: %HANGAR_APPLIANCE_ERROR_INVALID for a .cert that cannot be read,
 *   %HANGAR_APPLIANCE_ERROR_MANIFEST for a signature that does not verify
 *
 * Checks the signature over the manifest with the certificate's key. Pure:
 * no file is read.
 *
 * Returns: whether the signature is the certificate key's over @manifest
 */
gboolean
hangar_appliance_check_signature (const char  *cert,
                                  gsize        cert_length,
                                  const char  *manifest_name,
                                  const char  *manifest,
                                  gsize        manifest_length,
                                  char       **signer,
                                  gboolean    *trusted,
                                  GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *signed_name = NULL;
  g_autoptr(GBytes) signature = NULL;
  gnutls_digest_algorithm_t digest = GNUTLS_DIG_SHA256;
  gnutls_x509_crt_t *list = NULL;
  unsigned int count = 0;
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t pem, data, sig;
  gnutls_sign_algorithm_t algorithm;
  gboolean ok = FALSE;
  int pk;

  g_return_val_if_fail (cert != NULL && manifest != NULL && manifest_name != NULL, FALSE);

  text = g_strndup (cert, cert_length);
  if (strlen (text) != cert_length || !parse_signature_line (text, &digest, &signed_name,
                                                             &signature))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                       _("The appliance’s signature file cannot be read: it "
                                         "has no signature line."));
  if (!g_str_equal (signed_name, manifest_name))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                       _("The appliance’s signature is over “%s”, not its "
                                         "manifest “%s”."),
                                       g_utf8_validate (signed_name, -1, NULL) ? signed_name
                                                                                : "?",
                                       manifest_name);

  pem.data = (unsigned char *) text;
  pem.size = (unsigned int) cert_length;
  if (gnutls_x509_crt_list_import2 (&list, &count, &pem, GNUTLS_X509_FMT_PEM, 0) < 0 ||
      count == 0)
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                       _("The appliance’s signature file holds no certificate "
                                         "Hangar can read."));
  if (count > MAX_CERTIFICATES)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                  _("The appliance’s signature file holds too many "
                                    "certificates."));
      goto out;
    }

  if (gnutls_pubkey_init (&key) < 0 || gnutls_pubkey_import_x509 (key, list[0], 0) < 0)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                  _("The key in the appliance’s certificate cannot be read."));
      goto out;
    }
  pk = gnutls_pubkey_get_pk_algorithm (key, NULL);
  algorithm = gnutls_pk_to_sign ((gnutls_pk_algorithm_t) pk, digest);
  data.data = (unsigned char *) manifest;
  data.size = (unsigned int) manifest_length;
  sig.data = (unsigned char *) g_bytes_get_data (signature, NULL);
  sig.size = (unsigned int) g_bytes_get_size (signature);
  /* Older exports sign with SHA-1; its weakness is in collisions a signer
   * would have to make, so it is still a signature. */
  if (algorithm == GNUTLS_SIGN_UNKNOWN ||
      gnutls_pubkey_verify_data2 (key, algorithm, GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1, &data,
                                  &sig) < 0)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                  _("The appliance’s signature does not match its manifest: it "
                                    "was changed after it was signed. Download the appliance "
                                    "again."));
      goto out;
    }

  *signer = subject_of (list[0]);
  *trusted = trusted_here (list, count);
  ok = TRUE;

out:
  if (key != NULL)
    gnutls_pubkey_deinit (key);
  for (unsigned int i = 0; i < count; i++)
    gnutls_x509_crt_deinit (list[i]);
  gnutls_free (list);
  return ok;
}
