//! Which object keys hold secrets.
//!
//! A key is cut into words — at `_ - . space` and any other ASCII punctuation, and at
//! camelCase humps (`dbPassword` → db, password; `AWS_SECRET_ACCESS_KEY` → aws, secret,
//! access, key) — and judged by its *last* words, so `client_secret` is a secret while
//! `secret_name` (the name of a secret) is not. Trailing digits are ignored (`password2`).
//! Everything upstream 2.4.0 masks (13 exact names) is masked here too.

/// Upstream's list: a key is sensitive when its lower-cased name is exactly one of these.
/// vmware-pilot 2.4.0's thirteen sensitive names (exact, case-insensitive): all still masked.
pub const UPSTREAM: [&str; 13] = [
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "authorization",
    "bearer",
    "private_key",
    "credential",
    "credentials",
    "kubeconfig",
];

/// A key whose last word is one of these holds a secret.
const LAST_WORDS: [&str; 12] = [
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "cookie",
    "credential",
    "credentials",
    "authorization",
    "bearer",
    "kubeconfig",
];

/// A key whose last words, run together, spell one of these holds a secret:
/// `x-api-key`, `privateKey`, `ssh_key`, `AWS_SECRET_ACCESS_KEY`, `connection_string`.
const COMPOUNDS: [&str; 6] = ["apikey", "privatekey", "sshkey", "secretkey", "secretaccesskey", "connectionstring"];

/// The last letters of every name above: any other key is rejected without looking further.
const LAST_LETTERS: &[u8] = b"detnlsrgy";

/// Whether the value under `key` is a secret that must not reach storage.
pub fn is_sensitive_key(key: &str) -> bool {
    if !key.is_ascii() && upstream_exact(key) {
        return true;
    }
    let b = key.trim_end_matches(|c: char| c.is_ascii_digit() || is_separator(c)).as_bytes();
    match b.last() {
        Some(c) if LAST_LETTERS.contains(&c.to_ascii_lowercase()) => {}
        _ => return false,
    }
    let Some(last) = Words(b).next() else { return false };
    LAST_WORDS.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(last))
        || COMPOUNDS.iter().any(|c| spelled_by_tail(c, b))
}

/// Upstream's rule as upstream applies it (Unicode lower-casing), for keys that are not ASCII.
fn upstream_exact(key: &str) -> bool {
    key.len() <= 13 && UPSTREAM.contains(&key.to_lowercase().as_str())
}

fn is_separator(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_alphanumeric()
}

/// Letters, digits and non-ASCII bytes make words; ASCII punctuation separates them.
fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || !c.is_ascii()
}

/// Whether a new word starts at `b[i]` though `b[i - 1]` is a word byte too: a capital after
/// a small letter or a digit (`dbPassword`, `oauth2Token`). A run of capitals stays one word
/// with what follows (`AUTHToken` is one word, `authtoken`): upstream's previews read it so
/// and show its value (tests/fixtures/safety-cases.json), and previews go through here.
fn hump(b: &[u8], i: usize) -> bool {
    b[i].is_ascii_uppercase() && (b[i - 1].is_ascii_lowercase() || b[i - 1].is_ascii_digit())
}

/// The words of a key, last first, as slices of it (no allocation).
struct Words<'a>(&'a [u8]);

impl<'a> Iterator for Words<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let b = self.0;
        let mut end = b.len();
        while end > 0 && !is_word_byte(b[end - 1]) {
            end -= 1;
        }
        if end == 0 {
            return None;
        }
        let mut start = end - 1;
        while start > 0 && is_word_byte(b[start - 1]) && !hump(b, start) {
            start -= 1;
        }
        self.0 = &b[..start];
        Some(&b[start..end])
    }
}

/// Whether the last words of `key`, run together, are exactly `compound`.
fn spelled_by_tail(compound: &str, key: &[u8]) -> bool {
    let mut rest = compound.as_bytes();
    for word in Words(key) {
        let Some(cut) = rest.len().checked_sub(word.len()) else { return false };
        if !rest[cut..].eq_ignore_ascii_case(word) {
            return false;
        }
        rest = &rest[..cut];
        if rest.is_empty() {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_people_write_them() {
        let words =
            |k: &str| Words(k.as_bytes()).map(|w| String::from_utf8_lossy(w).to_lowercase()).collect::<Vec<_>>();
        assert_eq!(words("dbPassword"), ["password", "db"]);
        assert_eq!(words("AWS_SECRET_ACCESS_KEY"), ["key", "access", "secret", "aws"]);
        assert_eq!(words("APIKey"), ["apikey"]);
        assert_eq!(words("AUTHToken"), ["authtoken"]);
        assert_eq!(words("x-api-key"), ["key", "api", "x"]);
        assert_eq!(words("oauth2Token"), ["token", "oauth2"]);
        assert_eq!(words("a.b c"), ["c", "b", "a"]);
        assert!(words("__").is_empty());
    }

    #[test]
    fn the_key_table() {
        const UPSTREAM_13: [&str; 13] = UPSTREAM;
        #[rustfmt::skip]
        let sensitive = [
            "db_passwd", "dbPassword", "access_token", "refresh_token", "bearerToken", "x-api-key", "api-key",
            "client_secret", "clientSecret", "AWS_SECRET_ACCESS_KEY", "privateKey", "private-key", "ssh_key",
            "cookie", "passphrase", "connection_string", "sessionToken", "id_token", "Set-Cookie", "X-Auth-Token",
            "vcenter_password", "PASSWORD",
            // case variants, digits, odd spellings
            "Password", "KUBECONFIG", "Api_Key", "APIKEY", "APIKey", "ApiKey", "secretAccessKey", "secret_key",
            "password2", "db_password_1", "oauth2Token", "XAuthToken", "connectionString", "sshKey", "apiKey",
            "Authorization", "Proxy-Authorization", "credentials", "userCredential", "private key", "token.",
        ];
        #[rustfmt::skip]
        let ordinary = [
            "token_count", "max_tokens", "tokenizer", "secret_name", "password_policy", "key", "keys", "monkey",
            "author", "authority", "cookie_domain", "api_version", "private", "public_key", "ssh_key_name",
            "access_key_id", "description", "pwd_hint",
            // more near misses
            "access_key", "tokens", "secrets", "passwords", "secret_ref", "password_expiry", "vm_name", "",
            "__", "123", "bearer_format", "keyboard", "apikeys", "mysshkey", "kubeconfig_path", "tokenized",
            // known misses, kept for upstream's preview answers: a capital run glued to a word
            "AUTHToken", "DBPassword",
        ];
        for k in UPSTREAM_13.iter().chain(&sensitive) {
            assert!(is_sensitive_key(k), "{k:?} should be sensitive");
        }
        for k in ordinary {
            assert!(!is_sensitive_key(k), "{k:?} should not be sensitive");
        }
    }

    #[test]
    fn upstream_names_stay_masked_in_any_case() {
        for name in UPSTREAM {
            assert!(is_sensitive_key(&name.to_uppercase()));
            assert!(is_sensitive_key(name));
        }
        // Python's lower() folds the Kelvin sign to `k`; upstream masks this key, so do we.
        assert!(is_sensitive_key("\u{212A}ubeconfig"));
        assert!(!is_sensitive_key("contraseña"));
    }
}
