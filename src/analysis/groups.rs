//! Grouping by a relation: a union-find over positions `0..n` that hands
//! back its groups in the order their first member appears.

pub struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    pub fn new(count: usize) -> Groups {
        Groups { parent: (0..count).collect() }
    }

    /// The representative of `at`'s group (with path halving).
    pub fn find(&mut self, mut at: usize) -> usize {
        while self.parent[at] != at {
            self.parent[at] = self.parent[self.parent[at]];
            at = self.parent[at];
        }
        at
    }

    pub fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        self.parent[ra] = rb;
    }

    /// `items[i]` for each position `i`, grouped; groups and members in
    /// order of first appearance.
    pub fn into_groups<T: Clone>(mut self, items: &[T]) -> Vec<Vec<T>> {
        let mut index_of_root: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        let mut groups: Vec<Vec<T>> = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let root = self.find(position);
            let at = *index_of_root.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[at].push(item.clone());
        }
        groups
    }
}
