//! The layout holds: no module of either package imports one that imports it back (directly or
//! through others), and README.md's layout block names exactly the files and folders of `src/`
//! and `core/src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `core/src/render/asff/mod.rs` -> `render::asff`; `lib.rs` -> `` (the crate root).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` -> `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![path.trim_end_matches("::self").to_owned()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .flat_map(expand)
        .map(|p| {
            if p == "self" {
                prefix.to_owned()
            } else {
                format!("{prefix}::{p}")
            }
        })
        .collect()
}

/// Module -> modules it imports at its top level (`use crate::`, `use super::`, `use <child>::`).
fn import_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph = BTreeMap::new();
    for f in &files {
        let here = module_of(src, f);
        let text = std::fs::read_to_string(f).unwrap();
        let mut edges = BTreeSet::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("use ") {
            let line_start = rest[..i].rfind('\n').map_or(0, |n| n + 1);
            // Only top-level imports (column 0): indented ones belong to inline modules
            // (`mod tests`) or function bodies.
            let before = &rest[line_start..i];
            let statement_end = rest[i..].find(';').map_or(rest.len(), |e| i + e);
            let statement = &rest[i + 4..statement_end];
            rest = &rest[statement_end.min(rest.len())..];
            if !(before.is_empty() || before == "pub " || before.starts_with("pub(")) {
                continue;
            }
            for path in expand(statement) {
                let segments: Vec<&str> = path.split("::").collect();
                let absolute: Vec<String> = match segments.first().copied() {
                    Some("crate") => segments[1..].iter().map(|s| s.to_string()).collect(),
                    Some("super") => {
                        let mut base: Vec<String> = here
                            .split("::")
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect();
                        let mut segs = segments.as_slice();
                        while segs.first() == Some(&"super") {
                            base.pop();
                            segs = &segs[1..];
                        }
                        base.extend(segs.iter().map(|s| s.to_string()));
                        base
                    }
                    Some(first) => {
                        let child = if here.is_empty() {
                            first.to_owned()
                        } else {
                            format!("{here}::{first}")
                        };
                        if !modules.contains(&child) {
                            continue;
                        }
                        child
                            .split("::")
                            .map(str::to_owned)
                            .chain(segments[1..].iter().map(|s| s.to_string()))
                            .collect()
                    }
                    None => continue,
                };
                // The longest prefix that is a module of this package.
                let target = (0..=absolute.len())
                    .rev()
                    .map(|n| absolute[..n].join("::"))
                    .find(|m| modules.contains(m));
                if let Some(t) = target
                    && t != here
                {
                    edges.insert(t);
                }
            }
        }
        graph.insert(here, edges);
    }
    graph
}

/// A cycle through `start`, if any.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    for package in ["src", "core/src"] {
        let graph = import_graph(&root().join(package));
        assert!(graph.len() > 10, "{package}: modules were found");
        assert!(
            graph.values().map(BTreeSet::len).sum::<usize>() > 10,
            "{package}: imports were found"
        );
        for module in graph.keys() {
            if let Some(cycle) = cycle_from(&graph, module) {
                panic!(
                    "{package}: import cycle {}",
                    cycle
                        .iter()
                        .map(|m| if m.is_empty() { "(crate root)" } else { m })
                        .collect::<Vec<_>>()
                        .join(" -> ")
                );
            }
        }
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".into(), BTreeSet::from(["c".to_owned()]));
    g.insert("c".into(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(cycle_from(&g, "a").unwrap(), vec!["a", "b", "c", "a"]);
    g.insert("c".into(), BTreeSet::new());
    assert!(cycle_from(&g, "a").is_none());
    assert_eq!(
        expand("crate::aws::{self, ecs::{A, B as C}, sns::D}"),
        vec![
            "crate::aws",
            "crate::aws::ecs::A",
            "crate::aws::ecs::B",
            "crate::aws::sns::D"
        ]
    );
}

/// The paths README.md's layout block names (`core/src/model/`, `core/src/model/mod.rs`, ...).
fn readme_layout() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("## Layout")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .expect("README.md has a layout block");
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let indent = line.len() - line.trim_start().len();
        assert_eq!(indent % 2, 0, "layout line {line:?}: indent by two spaces");
        let depth = indent / 2;
        assert!(depth <= stack.len(), "layout line {line:?} skips a level");
        stack.truncate(depth);
        let name = line.split_whitespace().next().unwrap_or_default();
        let path = format!("{}{name}", stack.concat());
        if name.ends_with('/') {
            stack.push(name.to_owned());
        }
        out.push(path);
    }
    out
}

fn tree(dir: &Path, rel: &str, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            let sub = format!("{rel}{name}/");
            out.insert(sub.clone());
            tree(&p, &sub, out);
        } else {
            out.insert(format!("{rel}{name}"));
        }
    }
}

#[test]
fn readme_layout_names_every_file_of_the_packages_and_nothing_else() {
    let listed = readme_layout();
    for path in &listed {
        assert!(
            root().join(path).exists(),
            "README.md's layout names {path}, which does not exist"
        );
    }
    let listed: BTreeSet<String> = listed
        .into_iter()
        .filter(|p| p.starts_with("src/") || p.starts_with("core/src/"))
        .collect();
    let mut actual = BTreeSet::from(["src/".to_owned(), "core/src/".to_owned()]);
    tree(&root().join("src"), "src/", &mut actual);
    tree(&root().join("core/src"), "core/src/", &mut actual);
    let missing: Vec<&String> = actual.difference(&listed).collect();
    let extra: Vec<&String> = listed.difference(&actual).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "README.md's layout block and the tree differ: not listed {missing:?}, listed but absent {extra:?}"
    );
}
