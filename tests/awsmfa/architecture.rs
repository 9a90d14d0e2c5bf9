//! The shape of the code, checked: modules import one way (no cycle between the crate's
//! top-level modules, no `super::super`), and only the modules that own them read the
//! environment, the wall clock, or sleep.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::REPO;

/// Every `.rs` file under `src/`, with its text up to its unit tests (`#[cfg(test)]`) and
/// without comments.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(REPO).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(Path::new(REPO).join("src")).unwrap();
                if relative.file_name().is_some_and(|n| n == "tests.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let code: String = text
                    .lines()
                    .take_while(|line| line.trim() != "#[cfg(test)]")
                    .map(|line| match line.find("//") {
                        Some(at) => &line[..at],
                        None => line,
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                out.push((relative.to_path_buf(), code));
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to: `reminders/schedule/mod.rs` → `reminders`.
fn top_module(file: &Path) -> String {
    let first = file
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules each top-level module refers to through `crate::`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, code) in sources() {
        let from = top_module(&file);
        let targets = graph.entry(from.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != from {
                targets.insert(name);
            }
        }
    }
    graph
}

/// A cycle in `graph`, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn imports_run_one_way() {
    let graph = graph();
    assert!(graph.contains_key("commands") && graph.contains_key("quote"));
    assert_eq!(
        find_cycle(&graph),
        None,
        "modules import each other: {graph:#?}"
    );
    for leaf in ["quote", "error"] {
        let imports = &graph[leaf];
        assert!(
            imports.iter().all(|m| m == "quote"),
            "{leaf} is a leaf, yet imports {imports:?}"
        );
    }
    for (file, code) in sources() {
        assert!(
            !code.contains("super::super"),
            "{}: reaches two levels up (super::super): import what it needs from where it lives",
            file.display()
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// Where each thing may be read: (what, the files that own it and why).
const OWNERS: &[(&str, &[&str])] = &[
    // The environment is read once, into `Env`.
    ("std::env::var", &["paths.rs"]),
    ("env::var_os", &["paths.rs"]),
    ("current_exe", &["paths.rs"]),
    // The wall clock is read through `Clock`.
    ("Timestamp::now", &["clock.rs"]),
    ("SystemTime::now", &["clock.rs"]),
    // Sleeps go through `Clock` too, except the short polls that wait for another process:
    // a child's exit (the code source runner), the waiter lock a status check holds for a
    // moment, launchd finishing a bootout.
    (
        "thread::sleep",
        &[
            "clock.rs",
            "otp/process.rs",
            "reminders/waiter.rs",
            "reminders/schedule/launchd.rs",
        ],
    ),
];

#[test]
fn the_environment_and_the_clock_are_read_only_where_they_are_owned() {
    for (file, code) in sources() {
        let name = file.to_string_lossy().replace('\\', "/");
        if name == "main.rs" {
            continue;
        }
        for (what, owners) in OWNERS {
            assert!(
                !code.contains(what) || owners.contains(&name.as_str()),
                "{name} uses {what}, which only {owners:?} may: go through Context (Env, Clock)"
            );
        }
    }
}
