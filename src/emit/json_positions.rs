//! Where each value of a JSON text starts, by JSON pointer, so diagnostics
//! about a definition can point at the line and column. The text is parsed
//! by serde_json first; this only walks text known to be valid.

use std::collections::HashMap;

/// JSON pointer (`/tasks/Ship/nextTask`) → (start of the key, start of the value).
pub fn positions(text: &str) -> HashMap<String, (usize, usize)> {
    let mut walker = Walker { bytes: text.as_bytes(), at: 0, found: HashMap::new() };
    walker.skip_blank();
    walker.value(String::new(), 0);
    walker.found
}

struct Walker<'a> {
    bytes: &'a [u8],
    at: usize,
    found: HashMap<String, (usize, usize)>,
}

/// `~` and `/` escaped as JSON pointers require.
fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Walker<'_> {
    fn skip_blank(&mut self) {
        while self.bytes.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn value(&mut self, pointer: String, key_at: usize) {
        self.found.insert(pointer.clone(), (key_at, self.at));
        match self.bytes.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_blank();
                    match self.bytes.get(self.at) {
                        Some(b'}') => {
                            self.at += 1;
                            return;
                        }
                        Some(b',') => {
                            self.at += 1;
                            continue;
                        }
                        Some(b'"') => {
                            let key_start = self.at;
                            let key = self.string();
                            self.skip_blank();
                            self.at += 1; // the colon
                            self.skip_blank();
                            self.value(format!("{pointer}/{}", escape_token(&key)), key_start);
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_blank();
                    match self.bytes.get(self.at) {
                        Some(b']') => {
                            self.at += 1;
                            return;
                        }
                        Some(b',') => {
                            self.at += 1;
                        }
                        Some(_) => {
                            let start = self.at;
                            self.value(format!("{pointer}/{index}"), start);
                            index += 1;
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
            }
            None => {}
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
        let (key, value) = found["/tasks/a~1b/next"];
        assert_eq!(&text[key..key + 6], "\"next\"");
        assert_eq!(&text[value..value + 1], "[");
        assert_eq!(&text[found["/tasks/a~1b/next/1"].1..][..3], "\"x\"");
    }
}
