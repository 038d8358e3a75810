//! Credentials inside string values, whatever key they sit under: an HTTP credential
//! (`Bearer <token>`, `Basic <base64 of user:password>`) and the password of a URL
//! (`scheme://user:password@host`). Only the credential itself becomes `***`; a string
//! with nothing to mask is handed back as it is (borrowed, so written byte for byte).

use std::borrow::Cow;

use super::REDACTED;

/// `s` with every credential in it masked.
pub(crate) fn mask_credentials(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        let span = match b[i] {
            b'b' | b'B' => http_credential(b, i).filter(|&(basic, start, end)| worth_masking(basic, &b[start..end])),
            b':' => url_password(b, i).filter(|&(_, start, end)| &b[start..end] != REDACTED.as_bytes()),
            _ => None,
        };
        match span {
            Some((_, start, end)) => {
                let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
                o.push_str(&s[copied..start]);
                o.push_str(REDACTED);
                copied = end;
                i = end;
            }
            None => i += 1,
        }
    }
    match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(&s[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Whether `s` holds a credential that was masked (`Bearer ***`, `Basic ***`,
/// `scheme://user:***@host`): whatever it was, it is lost and must not be sent.
pub(super) fn has_masked_credential(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| match b[i] {
        b'b' | b'B' => http_credential(b, i).is_some_and(|(_, start, end)| &b[start..end] == REDACTED.as_bytes()),
        b':' => url_password(b, i).is_some_and(|(_, start, end)| &b[start..end] == REDACTED.as_bytes()),
        _ => false,
    })
}

/// At `b[i]`, a word `Bearer` or `Basic` (any case), blanks, then a run of token bytes:
/// `(is_basic, start, end)` of that run (a run of `***` for a masked one).
fn http_credential(b: &[u8], i: usize) -> Option<(bool, usize, usize)> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || !b[i - 1].is_ascii()) {
        return None;
    }
    let rest = &b[i..];
    let starts = |word: &[u8]| rest.len() > word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    let (basic, mut start) = if starts(b"bearer") {
        (false, i + 6)
    } else if starts(b"basic") {
        (true, i + 5)
    } else {
        return None;
    };
    let blanks = b[start..].iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    if blanks == 0 {
        return None;
    }
    start += blanks;
    let run = &b[start..];
    let masked = run.starts_with(REDACTED.as_bytes())
        && run.get(REDACTED.len()).is_none_or(|&c| c != b'*' && !c.is_ascii_alphanumeric());
    let len = if masked {
        REDACTED.len()
    } else {
        let token = run.iter().take_while(|&&c| c.is_ascii_alphanumeric() || b"-._~+/=".contains(&c)).count();
        // a full stop after the token ends the sentence, not the token
        token - run[..token].iter().rev().take_while(|&&c| c == b'.').count()
    };
    Some((basic, start, start + len))
}

/// Whether a run after `Bearer`/`Basic` is a credential rather than a word of prose
/// ("basic settings", "bearer authentication."), which must stay readable.
fn worth_masking(basic: bool, token: &[u8]) -> bool {
    if token.len() < 8 {
        return false;
    }
    if basic {
        return base64_of_user_password(token);
    }
    token.len() >= 20
        || token.iter().any(|c| c.is_ascii_digit() || b"._~+/=".contains(c))
        || token[1..].iter().any(u8::is_ascii_uppercase)
}

/// Whether `token` is base64 (padding optional) of printable text with a `:` in it — what
/// a Basic credential is: `base64("user:password")`.
fn base64_of_user_password(token: &[u8]) -> bool {
    let (mut acc, mut bits, mut colon) = (0u32, 0u32, false);
    for &c in token.iter().take_while(|&&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return false,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = (acc >> bits) as u8;
            acc &= (1 << bits) - 1;
            if byte < 0x20 || byte == 0x7f {
                return false;
            }
            colon |= byte == b':';
        }
    }
    colon
}

/// At `b[i] == ':'` starting `://` after a scheme, the password of the URL's userinfo:
/// `(_, start, end)` between the first `:` and the last `@` of the authority.
fn url_password(b: &[u8], i: usize) -> Option<(bool, usize, usize)> {
    if !b[i..].starts_with(b"://") || i == 0 || !b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let host = i + 3;
    let authority_len =
        b[host..].iter().take_while(|&&c| !(c.is_ascii_whitespace() || b"/?#\"'<>\\".contains(&c))).count();
    let authority = &b[host..host + authority_len];
    let at = authority.iter().rposition(|&c| c == b'@')?;
    let colon = authority[..at].iter().position(|&c| c == b':')?;
    (colon + 1 < at).then_some((false, host + colon + 1, host + at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_text_are_masked() {
        #[rustfmt::skip]
        let cases = [
            ("Authorization header: Bearer abc.def.ghi", "Authorization header: Bearer ***"),
            ("bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", "bearer ***"),
            ("BEARER   0123456789abcdef", "BEARER   ***"),
            ("Bearer abcdefghijklmnopqrstuvwxyz", "Bearer ***"),
            ("Bearer 12345678. Then", "Bearer ***. Then"),
            ("-H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='", "-H 'Authorization: Basic ***'"),
            ("basic YWRtaW46czNjcmV0", "basic ***"),
            ("postgres://app:hunter22@db.local:5432/app", "postgres://app:***@db.local:5432/app"),
            ("see https://u:p@ss:w0rd@h/x and ftp://a:b@c", "see https://u:***@h/x and ftp://a:***@c"),
            ("two: Bearer tok.en.one, Bearer tok.en.two", "two: Bearer ***, Bearer ***"),
            ("ünïcødé Bearer abc.def.ghi ✓", "ünïcødé Bearer *** ✓"),
        ];
        for (text, masked) in cases {
            assert_eq!(mask_credentials(text), masked, "{text:?}");
            assert_eq!(mask_credentials(masked), masked, "masking twice changes nothing");
            assert!(has_masked_credential(masked), "{masked:?}");
            assert!(!has_masked_credential(text), "{text:?}");
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        #[rustfmt::skip]
        let untouched = [
            "", "plain", "Bearer", "Bearer short", "Bearer authentication.", "bearer well-known",
            "basic settings", "basic configuration", "Basic authentication", "a basic read-only role",
            "Basic aGVsbG8gd29ybGQ=", "debasic 0123456789", "bearerToken 12345678",
            "https://host:8443/path", "ssh://git@github.com/x", "http://:@h", "ftp://user:@h",
            "mailto:someone@example.com", "://x:y@z", "ratio 3:1 @ home",
        ];
        for text in untouched {
            assert!(matches!(mask_credentials(text), Cow::Borrowed(_)), "{text:?}");
            assert!(!has_masked_credential(text), "{text:?}");
        }
    }

    #[test]
    fn masked_placeholders_are_recognised() {
        assert!(has_masked_credential("Bearer ***"));
        assert!(has_masked_credential("x basic ***"));
        assert!(has_masked_credential("https://user:***@host/path"));
        assert!(!has_masked_credential("***"));
        assert!(!has_masked_credential("Bearer ****"));
        assert!(!has_masked_credential("note: *** @ noon"));
    }
}
