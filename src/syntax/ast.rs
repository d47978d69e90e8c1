//! The syntax tree: what each line says, with byte spans, before any name is
//! resolved. Tolerated forms are recorded here (which separator an attribute
//! used, whether handles were written) so later stages can warn and fix.

use super::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A parsed file: top-level items in file order, with lane blocks assembled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFile {
    pub items: Vec<Item>,
    /// Lines that could not be read; when there are any, warnings that judge
    /// the diagram as a whole (orphans, empty lanes, id gaps) are held back.
    pub unreadable_lines: usize,
    /// Ids that unreadable lines seem to declare, so edges naming them are
    /// not reported as naming no node.
    pub unreadable_node_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Lane(LaneBlock),
    /// A statement outside any lane block.
    Statement(Statement),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneBlock {
    pub id: Spanned<String>,
    pub label: Option<LaneLabel>,
    /// The opening line, `id { # Label`.
    pub open_span: Span,
    /// The `}`; `None` when the block was never closed.
    pub close_span: Option<Span>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneLabel {
    pub text: Spanned<String>,
    /// Written as a `# Label` line below the brace (a tolerated form).
    pub on_next_line: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    Node(NodeDecl),
    Edge(Box<EdgeStmt>),
    Loop(LoopStmt),
    /// `// text`
    LineComment(Spanned<String>),
    /// `# text` that is not a lane label.
    HashComment(Spanned<String>),
}

impl Statement {
    pub fn span(&self) -> Span {
        match self {
            Statement::Node(node) => node.span,
            Statement::Edge(edge) => edge.span,
            Statement::Loop(stmt) => stmt.span,
            Statement::LineComment(comment) | Statement::HashComment(comment) => comment.span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Colon,
    Equals,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    /// A quoted string, unescaped.
    Quoted(String),
    /// An unquoted value, kept so the error can offer the quoted form.
    Bare(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: Spanned<String>,
    pub separator: Spanned<Separator>,
    pub value: Spanned<AttrValue>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeDecl {
    pub id: Spanned<String>,
    /// As written; checked against the four shapes when resolving.
    pub shape: Spanned<String>,
    pub attributes: Vec<Attribute>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub lane_prefix: Option<Spanned<String>>,
    pub node: Spanned<String>,
    /// The direction as written (any case); `None` when the handle was left out.
    pub handle: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeStmt {
    pub source: Endpoint,
    pub target: Endpoint,
    pub attributes: Vec<Attribute>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopMember {
    pub lane_prefix: Option<Spanned<String>>,
    pub node: Spanned<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopStmt {
    pub condition: Spanned<String>,
    pub members: Vec<LoopMember>,
    pub span: Span,
}
