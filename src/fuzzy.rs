//! Ranks profile names against what the person typed: `stg` finds `staging`.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Keeps the names that match `query` (all of them for an empty query), best match first,
/// then by name. `name_of` picks the name out of each item.
pub fn rank<T>(items: Vec<T>, query: &str, name_of: impl Fn(&T) -> &str) -> Vec<T> {
    let query = query.trim();
    if query.is_empty() {
        return items;
    }
    let pattern = Pattern::new(
        query,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, T)> = items
        .into_iter()
        .filter_map(|item| {
            let score = pattern.score(Utf32Str::new(name_of(&item), &mut buf), &mut matcher)?;
            Some((score, item))
        })
        .collect();
    scored.sort_by(|(sa, a), (sb, b)| sb.cmp(sa).then_with(|| name_of(a).cmp(name_of(b))));
    scored.into_iter().map(|(_, item)| item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(query: &str) -> Vec<&'static str> {
        let names = vec!["prod", "sandbox", "staging", "stg-legacy", "work"];
        rank(names, query, |n| n)
    }

    #[test]
    fn abbreviations_find_their_profile() {
        assert_eq!(ranked("stg"), ["stg-legacy", "staging"]);
        assert_eq!(ranked("wk"), ["work"]);
        assert_eq!(ranked("SAND"), ["sandbox"]);
    }

    #[test]
    fn empty_query_keeps_every_name_in_order() {
        assert_eq!(
            ranked(""),
            ["prod", "sandbox", "staging", "stg-legacy", "work"]
        );
        assert_eq!(ranked("  "), ranked(""));
    }

    #[test]
    fn no_match_is_empty() {
        assert!(ranked("xyz").is_empty());
    }
}
