//! Where each value of a JSON text starts, so diagnostics about a
//! definition can point at the line and column. The text is parsed by
//! serde_json first; this only walks text known to be valid.
//!
//! The values form a tree (each child names its key or index), built
//! without recursion and looked up by JSON pointer: memory follows the
//! number of values, not their nesting depth times their number.

/// Every value of a JSON text: where its key and the value start.
pub struct Positions {
    nodes: Vec<Place>,
}

struct Place {
    key_at: usize,
    value_at: usize,
    /// Key (or array index as text) and node of each child, in order.
    children: Vec<(String, usize)>,
}

impl Positions {
    /// (start of the key, start of the value) of the value `pointer`
    /// (`/tasks/Ship/nextTask`) names, or of its nearest enclosing value.
    pub fn nearest(&self, pointer: &str) -> Option<(usize, usize)> {
        let (node, _) = self.walk(pointer)?;
        Some((self.nodes[node].key_at, self.nodes[node].value_at))
    }

    /// Whether `pointer` names a value exactly.
    #[cfg(test)]
    pub fn contains(&self, pointer: &str) -> bool {
        self.walk(pointer).is_some_and(|(_, exact)| exact)
    }

    /// The deepest node on the way to `pointer`, and whether it is the one
    /// `pointer` names.
    fn walk(&self, pointer: &str) -> Option<(usize, bool)> {
        self.nodes.first()?;
        let mut at = 0;
        for token in pointer.split('/').skip(1).map(unescape) {
            match self.nodes[at].children.iter().find(|(key, _)| *key == token) {
                Some(&(_, child)) => at = child,
                None => return Some((at, false)),
            }
        }
        Some((at, true))
    }
}

/// `name` as one reference token of a JSON pointer (RFC 6901).
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The name one reference token of a JSON pointer stands for.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

pub fn positions(text: &str) -> Positions {
    let bytes = text.as_bytes();
    let mut walker = Walker { bytes, at: 0 };
    let mut nodes = Vec::new();
    walker.skip_blank();
    // Open containers: (node, is an object, next array index).
    let mut open: Vec<(usize, bool, usize)> = Vec::new();
    let mut pending_key: Option<(String, usize)> = None;
    let mut root_done = false;
    loop {
        walker.skip_blank();
        // A value starts here (the root, or after a key or in an array)?
        let starts_value = match open.last() {
            None => !root_done,
            Some(&(_, true, _)) => pending_key.is_some(),
            Some(&(_, false, _)) => !matches!(bytes.get(walker.at), Some(b']') | Some(b',') | None),
        };
        if starts_value {
            let value_at = walker.at;
            let (key, key_at) = match (open.last_mut(), pending_key.take()) {
                (Some((_, true, _)), Some(key)) => key,
                (Some((_, false, index)), _) => {
                    *index += 1;
                    ((*index - 1).to_string(), value_at)
                }
                _ => (String::new(), 0),
            };
            let node = nodes.len();
            nodes.push(Place { key_at, value_at, children: Vec::new() });
            if let Some(&(parent, _, _)) = open.last() {
                let parent: usize = parent;
                nodes[parent].children.push((key, node));
            } else {
                root_done = true;
            }
            match bytes.get(walker.at) {
                Some(b'{') => {
                    walker.at += 1;
                    open.push((node, true, 0));
                }
                Some(b'[') => {
                    walker.at += 1;
                    open.push((node, false, 0));
                }
                Some(b'"') => {
                    walker.string();
                }
                Some(_) => walker.scalar(),
                None => break,
            }
            continue;
        }
        match bytes.get(walker.at) {
            Some(b'}') | Some(b']') => {
                walker.at += 1;
                open.pop();
            }
            Some(b',') => walker.at += 1,
            Some(b'"') if open.last().is_some_and(|&(_, object, _)| object) => {
                let key_at = walker.at;
                let key = walker.string();
                walker.skip_blank();
                walker.at += 1; // the colon
                pending_key = Some((key, key_at));
            }
            _ => break,
        }
        if open.is_empty() && root_done {
            break;
        }
    }
    Positions { nodes }
}

struct Walker<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Walker<'_> {
    fn skip_blank(&mut self) {
        while self.bytes.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn scalar(&mut self) {
        while self.bytes.get(self.at).is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Reads a string literal starting at its quote; returns its value.
    fn string(&mut self) -> String {
        let start = self.at;
        self.at += 1;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        let literal = std::str::from_utf8(&self.bytes[start..self.at.min(self.bytes.len())]).unwrap_or("\"\"");
        serde_json::from_str(literal).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_values_and_keys() {
        let text = "{\n  \"tasks\": {\n    \"a/b\": { \"next\": [1, \"x\"] }\n  }\n}";
        let found = positions(text);
        let (key, value) = found.nearest("/tasks/a~1b/next").expect("found");
        assert_eq!(&text[key..key + 6], "\"next\"");
        assert_eq!(&text[value..value + 1], "[");
        assert_eq!(&text[found.nearest("/tasks/a~1b/next/1").expect("found").1..][..3], "\"x\"");
        // A pointer past what is there finds the nearest enclosing value.
        assert_eq!(found.nearest("/tasks/a~1b/missing"), found.nearest("/tasks/a~1b"));
        assert!(found.contains("/tasks/a~1b/next/0") && !found.contains("/tasks/zz"));
    }

    #[test]
    fn deep_nesting_is_walked_without_recursion() {
        let depth = 100_000;
        let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let found = positions(&text);
        let pointer = "/0".repeat(depth);
        assert_eq!(found.nearest(&pointer), Some((depth, depth)));
    }
}
