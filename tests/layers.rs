//! The crate's shape: imports only go down. Each top-level module of `src/` has a layer
//! (lib.rs lists them bottom first) and imports only from layers below its own, and no
//! two files import each other, directly or round a longer loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first, as lib.rs declares them; `cmd` and `main` are the binary's.
const LAYERS: &[&[&str]] = &[
    &["lang", "percent", "privacy", "progress", "safe_name"],
    &["config"],
    &["model"],
    &["load"],
    &["error"],
    &["analyse"],
    &["present"],
    &["render"],
    &["output"],
    &["workflow", "fixtures"],
    &["cmd", "main"],
];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("module {module} has no layer in tests/layers.rs"))
}

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `src/analyse/rules/mod.rs` → ["analyse", "rules"]; `src/lib.rs` → [].
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The module paths a file names through `crate::`, `super::` or `jianfu::`, ignoring
/// its tests (which may reach anywhere).
fn imports(text: &str, own: &[String]) -> BTreeSet<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = BTreeSet::new();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    for (start, _) in code.match_indices("::") {
        // The path around this `::`, e.g. `crate::load::problem::Problem`.
        let before = &code[..start];
        let from = before
            .rfind(|c: char| !(word(c) || c == ':'))
            .map_or(0, |i| i + 1);
        let rest = &code[from..];
        let end = rest
            .find(|c: char| !(word(c) || c == ':'))
            .unwrap_or(rest.len());
        let segments: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        let mut path: Vec<String> = match segments.first() {
            Some(&"crate") | Some(&"jianfu") => vec![],
            // `super` of `a::b` (a/b.rs or a/b/mod.rs alike) is `a`.
            Some(&"super") => own[..own.len() - 1].to_vec(),
            _ => continue,
        };
        let mut supers = segments
            .iter()
            .skip(1)
            .take_while(|s| **s == "super")
            .count();
        while supers > 0 {
            path.pop();
            supers -= 1;
        }
        for s in segments.iter().skip(1).skip_while(|s| **s == "super") {
            if s.starts_with(char::is_uppercase) || s.contains('{') || *s == "*" {
                break;
            }
            path.push(s.to_string());
        }
        found.insert(path);
    }
    found
}

#[test]
fn imports_only_go_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_path(&src, f), f.clone()))
        .collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (own, file) in &modules {
        if own.is_empty() {
            continue; // lib.rs declares every layer
        }
        let binary = file.starts_with(src.join("cmd")) || file.ends_with("main.rs");
        let top = if binary { "cmd" } else { own[0].as_str() };
        let text = std::fs::read_to_string(file).unwrap();
        for target in imports(&text, own) {
            // The longest module path that names a file.
            let Some(module) = (1..=target.len())
                .rev()
                .map(|n| target[..n].to_vec())
                .find(|m| modules.contains_key(m))
            else {
                continue;
            };
            if module == *own || module.is_empty() {
                continue;
            }
            if module[0] != top && layer(&module[0]) >= layer(top) {
                wrong.push(format!(
                    "{}: imports {} from a layer not below its own",
                    file.display(),
                    module.join("::")
                ));
            }
            edges.entry(own.clone()).or_default().insert(module);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // No loop among files: a depth-first search finds no edge back to the path it is on.
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, bool>,
        path: &mut Vec<Vec<String>>,
    ) -> Option<String> {
        match state.get(node) {
            Some(true) => return None,
            Some(false) => {
                let start = path.iter().position(|p| p == node).unwrap_or(0);
                let cycle: Vec<String> = path[start..].iter().map(|p| p.join("::")).collect();
                return Some(format!("{} → {}", cycle.join(" → "), node.join("::")));
            }
            None => {}
        }
        state.insert(node.clone(), false);
        path.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node.clone(), true);
        None
    }
    let mut state = BTreeMap::new();
    for node in modules.keys() {
        if let Some(cycle) = visit(node, &edges, &mut state, &mut Vec::new()) {
            panic!("files import each other: {cycle}");
        }
    }
    // The check reads real imports: the pipeline's top imports from its bottom.
    assert!(
        edges[&vec!["workflow".to_string(), "build".to_string()]]
            .contains(&vec!["config".to_string()])
    );
}
