//! The syntax tree: what each line says, with byte spans, before any name is
//! resolved. Tolerated forms are recorded here (which separator an attribute
//! used, whether handles were written) so later stages can warn and fix.

use compact_str::CompactString;

use super::Span;

/// A value with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// `value`, written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A parsed file: top-level items in file order, with lane blocks assembled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFile {
    /// Lane blocks and stray statements, in file order.
    pub items: Vec<Item>,
    /// Lines that could not be read; when there are any, warnings that judge
    /// the diagram as a whole (orphans, empty lanes, id gaps) are held back.
    pub unreadable_lines: usize,
    /// Ids that unreadable lines seem to declare, so edges naming them are
    /// not reported as naming no node.
    pub unreadable_node_ids: Vec<String>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A lane block.
    Lane(LaneBlock),
    /// A statement outside any lane block.
    Statement(Statement),
}

/// `id { # Label … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneBlock {
    /// The lane id.
    pub id: Spanned<CompactString>,
    /// The `# Label`, if written.
    pub label: Option<LaneLabel>,
    /// The opening line, `id { # Label`.
    pub open_span: Span,
    /// The `}`; `None` when the block was never closed.
    pub close_span: Option<Span>,
    /// Its statements in order.
    pub statements: Vec<Statement>,
}

/// A lane's display label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneLabel {
    /// The text after `#`, trimmed.
    pub text: Spanned<CompactString>,
    /// Written as a `# Label` line below the brace (a tolerated form).
    pub on_next_line: bool,
}

/// A statement in a lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// `n1: shape key:"value" …`.
    Node(NodeDecl),
    /// `n1.handle(side) -> n2.handle(side) [label="…"]`.
    Edge(Box<EdgeStmt>),
    /// `loop [condition] n1 n2 …`.
    Loop(LoopStmt),
    /// `// text`
    LineComment(Spanned<CompactString>),
    /// `# text` that is not a lane label.
    HashComment(Spanned<CompactString>),
}

impl Statement {
    /// The whole statement.
    pub fn span(&self) -> Span {
        match self {
            Statement::Node(node) => node.span,
            Statement::Edge(edge) => edge.span,
            Statement::Loop(stmt) => stmt.span,
            Statement::LineComment(comment) | Statement::HashComment(comment) => comment.span,
        }
    }
}

/// How a key and its value were separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `key:"value"`.
    Colon,
    /// `key="value"`.
    Equals,
}

/// An attribute's value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    /// A quoted string, unescaped.
    Quoted(CompactString),
    /// An unquoted value, kept so the error can offer the quoted form.
    Bare(CompactString),
}

/// `key:"value"` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The key.
    pub key: Spanned<CompactString>,
    /// The separator.
    pub separator: Spanned<Separator>,
    /// The value.
    pub value: Spanned<AttrValue>,
    /// The whole attribute.
    pub span: Span,
}

/// A node declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeDecl {
    /// The node id.
    pub id: Spanned<CompactString>,
    /// As written; checked against the four shapes when resolving.
    pub shape: Spanned<CompactString>,
    /// Its attributes in written order.
    pub attributes: Vec<Attribute>,
    /// The whole declaration.
    pub span: Span,
}

/// One end of an edge: `[lane.]node[.handle(side)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The lane prefix, if written.
    pub lane_prefix: Option<Spanned<CompactString>>,
    /// The node id.
    pub node: Spanned<CompactString>,
    /// The direction as written (any case); `None` when the handle was left out.
    pub handle: Option<Spanned<CompactString>>,
    /// The whole endpoint.
    pub span: Span,
}

/// An edge statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeStmt {
    /// Where it leaves.
    pub source: Endpoint,
    /// Where it enters.
    pub target: Endpoint,
    /// The attributes in brackets.
    pub attributes: Vec<Attribute>,
    /// The whole statement.
    pub span: Span,
}

/// One node a loop lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopMember {
    /// The lane prefix, if written.
    pub lane_prefix: Option<Spanned<CompactString>>,
    /// The node id.
    pub node: Spanned<CompactString>,
    /// The whole member.
    pub span: Span,
}

/// A `loop` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopStmt {
    /// The condition in brackets.
    pub condition: Spanned<CompactString>,
    /// The nodes listed.
    pub members: Vec<LoopMember>,
    /// The whole statement.
    pub span: Span,
}
