//! Names that become folder names (campaign ids, snapshot dates) must stay inside the
//! folder they are written to.

/// Accepts a single, visible path component: no separators, no `.`/`..`, no control
/// characters, not too long. Chinese names are fine.
pub fn check(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.trim() != name {
        return Err("must be a non-empty name without leading or trailing spaces");
    }
    if name == "." || name == ".." || name.starts_with('.') {
        return Err("must not start with a dot");
    }
    if name.chars().any(|c| {
        c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
    }) {
        return Err("must not contain / \\ : * ? \" < > | or control characters");
    }
    if name.len() > 200 {
        return Err("is too long for a folder name");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn names_that_could_escape_are_refused() {
        for bad in [
            "",
            "..",
            ".hidden",
            "a/b",
            "a\\b",
            "../etc",
            "x\u{0}y",
            "tab\there",
            " padded",
        ] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        for good in ["lichuan", "平顶山高新区", "zhuji-2019"] {
            assert!(check(good).is_ok(), "{good}");
        }
    }
}
