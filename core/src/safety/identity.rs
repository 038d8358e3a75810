//! One rule for "is this the same person?" wherever an approval is checked against the people
//! who created or edited a workflow (separation of duties, [`super::roles`]).
//!
//! A name is reduced to a key: trimmed, NFKC-normalised and fully case-folded (so "ＡＬＩＣＥ",
//! "Alice" and " alice " are one name, and so are "STRAUSS" and "strauß"). Names that could
//! pass for someone else without looking different are refused rather than cleaned up: hidden
//! characters (zero-width, bidi controls, soft hyphens, controls, variation selectors, tags) and
//! words that mix scripts ("аlice" with a Cyrillic "а"). Two accepted names are the same when
//! their keys are, or when their UTS #39 confusable skeletons are ("раураl" in Cyrillic letters
//! against "paypal").

use std::fmt;

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;
use unicode_security::mixed_script::AugmentedScriptSet;
use unicode_security::MixedScript;

/// Why a name cannot be used as an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityRefusal {
    /// Nothing but white space.
    Empty,
    /// A character that shows as nothing (or changes how the rest shows); `position` counts the
    /// characters before it in the name as given.
    Invisible { ch: char, position: usize },
    /// A word mixes letters of different scripts; `scripts` names them ("Latin and Cyrillic").
    MixedScript { scripts: String },
}

impl IdentityRefusal {
    /// What is wrong with the name, without the advice.
    pub fn why(&self) -> String {
        match self {
            IdentityRefusal::Empty => "the name is empty".to_string(),
            IdentityRefusal::Invisible { ch, position } => {
                format!("the name contains an invisible character ({}, at position {position})", describe(*ch))
            }
            IdentityRefusal::MixedScript { scripts } => {
                format!("the name mixes {scripts} letters (look-alike letters can impersonate another person)")
            }
        }
    }

    fn advice(&self) -> &'static str {
        match self {
            IdentityRefusal::Empty => "give the name of the person",
            IdentityRefusal::Invisible { .. } => "type the name without it",
            IdentityRefusal::MixedScript { .. } => "use one script",
        }
    }
}

impl fmt::Display for IdentityRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.why(), self.advice())
    }
}

impl std::error::Error for IdentityRefusal {}

/// The comparable form of `name`, or why the name is refused.
pub fn identity_key(name: &str) -> Result<String, IdentityRefusal> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(IdentityRefusal::Empty);
    }
    let skipped = name[..name.len() - name.trim_start().len()].chars().count();
    if let Some((i, ch)) = trimmed.chars().enumerate().find(|&(_, c)| is_hidden(c)) {
        return Err(IdentityRefusal::Invisible { ch, position: skipped + i });
    }
    // compatibility forms can start with a space ("¨" is " ̈"): trim again
    let key = fold(trimmed).trim().to_string();
    if key.is_empty() {
        return Err(IdentityRefusal::Empty);
    }
    if let Some(scripts) = mixed_scripts(&key) {
        return Err(IdentityRefusal::MixedScript { scripts });
    }
    Ok(key)
}

/// The UTS #39 confusable skeleton of `name`'s key, case-folded: names that read alike ("paypal"
/// and "раураl") share it.
pub fn skeleton_key(name: &str) -> Result<String, IdentityRefusal> {
    let key = identity_key(name)?;
    Ok(fold(&unicode_security::skeleton(&key).collect::<String>()))
}

/// Whether `a` and `b` name the same person: both accepted, with equal keys or equal skeletons.
/// Made for refusing (separation of duties), it errs towards "the same"; a refused name is the
/// same as nothing, so callers check the name they are given with [`identity_key`] first.
pub fn same_identity(a: &str, b: &str) -> bool {
    match (identity_key(a), identity_key(b)) {
        (Ok(ka), Ok(kb)) => ka == kb || skeleton_key(&ka) == skeleton_key(&kb),
        _ => false,
    }
}

/// Unicode compatibility caseless form (D145), recomposed: NFKD and full case folding twice
/// (once is not enough for a few Greek letters), then NFC.
fn fold(s: &str) -> String {
    s.chars().nfd().default_case_fold().nfkd().default_case_fold().nfkd().nfc().collect()
}

/// Characters that show as nothing or change how their neighbours show: controls (Cc), format
/// characters (Cf), line and paragraph separators, and the other default-ignorable code points
/// (variation selectors, Hangul fillers, tags and their reserved block).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0xAD | 0x34F | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2
            | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F | 0x200B..=0x200F
            | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0
            | 0xFFF0..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// "U+200B ZERO WIDTH SPACE" for the usual suspects, the code point and its kind otherwise.
fn describe(c: char) -> String {
    let name = match c {
        '\0' => "NULL",
        '\u{AD}' => "SOFT HYPHEN",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        c if c.is_control() => "a control character",
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{180B}'..='\u{180D}' | '\u{180F}' => {
            "a variation selector"
        }
        '\u{E0000}'..='\u{E007F}' => "a tag character",
        _ => "a format character",
    };
    format!("U+{:04X} {name}", c as u32)
}

/// The scripts of the first word of `key` whose letters share no script, or `None`. Words are split at common characters (digits, punctuation, spaces),
/// so "token:алиса" is two single-script words; Japanese mixing kana and kanji is one writing
/// system (UTS #39's augmented script sets).
fn mixed_scripts(key: &str) -> Option<String> {
    let common = |c: char| AugmentedScriptSet::for_char(c).base.is_common();
    let word = key.split(common).find(|word| !word.is_single_script())?;
    // (script, letters), the script most of the word is in first: "Latin and Cyrillic"
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for c in word.chars() {
        let set = AugmentedScriptSet::for_char(c);
        if set.is_all() {
            continue; // a combining mark goes with any script
        }
        if let Some(script) = set.base.iter().next() {
            match counts.iter_mut().find(|(name, _)| *name == script.full_name()) {
                Some((_, n)) => *n += 1,
                None => counts.push((script.full_name(), 1)),
            }
        }
    }
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let names: Vec<&str> = counts.into_iter().map(|(name, _)| name).collect();
    Some(match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spellings_of_one_name_are_one_identity() {
        let groups: &[&[&str]] = &[
            &["alice", "Alice", " alice ", "ａｌｉｃｅ", "ALICE", "\talice\n", "\u{3000}alice"],
            &["strauß", "STRAUSS", "Strauss", "strauss", "STRAUẞ"],
            &["\u{e9}", "e\u{301}", "\u{c9}", "E\u{301}"],
            &["josé", "jose\u{301}", "JOSÉ"],
            &["token:alice", "TOKEN:ALICE", "token：alice"],
            &["ﬁona", "fiona"],
        ];
        for group in groups {
            let key = identity_key(group[0]).unwrap();
            for name in *group {
                assert_eq!(identity_key(name).as_ref(), Ok(&key), "{name:?}");
                assert!(same_identity(group[0], name), "{:?} vs {name:?}", group[0]);
            }
        }
    }

    #[test]
    fn hidden_and_mixed_names_are_refused() {
        let hidden = [
            ("alice\u{200b}", '\u{200b}', 5),
            ("al\u{ad}ice", '\u{ad}', 2),
            ("\u{202e}alice", '\u{202e}', 0),
            ("  \u{202e}alice", '\u{202e}', 2),
            ("ali\u{0}ce", '\0', 3),
            ("a\u{200d}lice", '\u{200d}', 1),
            ("a\u{200c}lice", '\u{200c}', 1),
            ("alice\u{2060}x", '\u{2060}', 5),
            ("\u{feff}alice", '\u{feff}', 0),
            ("alice\u{200e}", '\u{200e}', 5),
            ("ali\u{2067}ce", '\u{2067}', 3),
            ("al\u{7}ice", '\u{7}', 2),
            ("al\nice", '\n', 2),
            ("alice\u{fe0f}", '\u{fe0f}', 5),
            ("alice\u{e0041}", '\u{e0041}', 5),
            ("alice\u{e0100}", '\u{e0100}', 5),
            ("ali\u{2028}ce", '\u{2028}', 3),
            ("a\u{3164}lice", '\u{3164}', 1),
        ];
        for (name, ch, position) in hidden {
            assert_eq!(identity_key(name), Err(IdentityRefusal::Invisible { ch, position }), "{name:?}");
        }
        for (name, scripts) in [
            ("\u{430}lice", "Latin and Cyrillic"),
            ("alic\u{435}", "Latin and Cyrillic"),
            ("\u{3b1}lice", "Latin and Greek"),
            ("token:\u{430}lice", "Latin and Cyrillic"),
            ("p\u{430}yp\u{3b1}l", "Latin, Cyrillic and Greek"),
        ] {
            assert_eq!(identity_key(name), Err(IdentityRefusal::MixedScript { scripts: scripts.into() }), "{name:?}");
        }
        for name in ["", "   ", "\u{3000}\t"] {
            assert_eq!(identity_key(name), Err(IdentityRefusal::Empty), "{name:?}");
        }
        // a refused name is the same as nobody, not even itself
        assert!(!same_identity("alice\u{200b}", "alice"));
        assert!(!same_identity("\u{430}lice", "\u{430}lice"));
    }

    #[test]
    fn names_in_one_script_are_accepted() {
        for name in [
            "алиса",
            "Ἀλίκη",
            "José",
            "李雷",
            "やまだ太郎",
            "김민수",
            "o'brien",
            "ana-maria",
            "Ana Maria",
            "bob@example.com",
            "token:ci-bot",
            "token:алиса",
            "svc_deploy.2",
            "Zoë",
            "ناصر",
        ] {
            assert!(identity_key(name).is_ok(), "{name:?}: {:?}", identity_key(name));
        }
        assert!(!same_identity("alice", "bob"));
        assert!(!same_identity("ana", "anna"));
    }

    #[test]
    fn look_alikes_across_names_are_the_same() {
        // all-Cyrillic "раура" passes the script check but reads as "paypa"
        assert!(identity_key("\u{440}\u{430}\u{443}\u{440}\u{430}").is_ok());
        assert!(same_identity("\u{440}\u{430}\u{443}\u{440}\u{430}", "paypa"));
        assert!(same_identity("\u{441}\u{435}", "ce"));
        assert!(same_identity("bob0", "BOBO"));
        assert_eq!(skeleton_key("\u{441}\u{435}"), skeleton_key("CE"));
    }

    #[test]
    fn messages_say_why_and_what_to_do() {
        let msg = identity_key("alice\u{200b}").unwrap_err().to_string();
        assert_eq!(
            msg,
            "the name contains an invisible character (U+200B ZERO WIDTH SPACE, at position 5); type the name \
             without it"
        );
        let msg = identity_key("\u{430}lice").unwrap_err().to_string();
        assert_eq!(
            msg,
            "the name mixes Latin and Cyrillic letters (look-alike letters can impersonate another person); use \
             one script"
        );
        assert!(identity_key("al\u{e0041}").unwrap_err().to_string().contains("U+E0041 a tag character"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn keys_never_panic_and_are_fixed_points(s in any::<String>()) {
            if let Ok(key) = identity_key(&s) {
                prop_assert_eq!(identity_key(&key), Ok(key.clone()));
                prop_assert!(same_identity(&s, &key));
            }
            let _ = skeleton_key(&s);
        }

        #[test]
        fn latin_and_greek_spellings_fold_stably(s in "[a-zA-Z\u{370}-\u{3ff}\u{1f00}-\u{1fff}ßẞ\u{345}\u{300}-\u{36f} ]{0,12}") {
            if let Ok(key) = identity_key(&s) {
                prop_assert_eq!(identity_key(&key), Ok(key.clone()));
            }
        }
    }
}
