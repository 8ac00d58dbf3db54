//! Evaluation of the Terraform expressions that decide GKE settings.
//!
//! Only what can be known from the configuration itself is evaluated: literals, `var.*` with
//! defaults, `local.*`, templates, conditionals, operators, indexing and the functions real
//! modules use for these attributes. Anything else (data sources, other resources' attributes,
//! variables without a default, functions gkecheck does not model) evaluates to `Unknown`,
//! naming the expression, so a rule can say what it could not see instead of guessing.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::Body;
use hcl_edit::template::{Element, Template};

use super::split::Deferred;
use crate::span::Span;

/// How deep references may chain (`local.a` → `local.b` → ...) before evaluation gives up.
const MAX_EVAL_DEPTH: usize = 128;

/// The work one module's evaluation may do, in steps, copied strings and the lists and maps
/// it makes (those it names are shared, not copied): past it, what is left is unknown, naming
/// the limit. Real modules need a few thousand.
pub const MAX_EVAL_WORK: u64 = 5_000_000;

/// The largest value evaluation builds (list and map elements, and strings by 64 bytes): a
/// value that doubles itself through locals stops here instead of filling memory.
pub const MAX_VALUE_WEIGHT: usize = 200_000;

/// The longest string evaluation builds (templates, format, join).
pub const MAX_STRING_BYTES: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// Lists and maps are shared, not copied: a value passed whole to each of a thousand
    /// module instances, or named by each of a thousand resources, is one value.
    List(Rc<Vec<Val>>),
    Map(Rc<BTreeMap<String, Val>>),
    /// Not known before apply, or not known to gkecheck. `expr` names what could not be
    /// evaluated; `nonempty` says the value is certainly a non-empty string.
    Unknown {
        expr: String,
        nonempty: bool,
    },
    /// Evaluation failed (a missing key, an index out of range): `try()` moves on past it.
    Error(String),
}

impl Val {
    pub fn list(items: Vec<Val>) -> Val {
        Val::List(Rc::new(items))
    }

    pub fn map(map: BTreeMap<String, Val>) -> Val {
        Val::Map(Rc::new(map))
    }

    pub fn unknown(expr: impl Into<String>) -> Val {
        Val::Unknown {
            expr: expr.into(),
            nonempty: false,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown { .. } | Val::Error(_))
    }

    /// Converts an error into an unknown value naming it.
    pub fn settle(self) -> Val {
        match self {
            Val::Error(message) => Val::unknown(message),
            other => other,
        }
    }

    /// The value as template text, when it is a primitive.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            Val::Num(n) => Some(format_number(*n)),
            _ => None,
        }
    }

    fn truthy(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The elements of a collection as (key, value) pairs, the way `for_each` sees them.
    pub fn entries(&self) -> Option<Vec<(Val, Val)>> {
        match self {
            Val::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::Num(i as f64), v.clone()))
                    .collect(),
            ),
            Val::Map(map) => Some(
                map.iter()
                    .map(|(k, v)| (Val::Str(k.clone()), v.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }
}

pub use crate::span::quote;

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.is_finite() && (n.abs() >= 1e15 || n.abs() < 1e-6) && n != 0.0 {
        format!("{n:e}")
    } else {
        n.to_string()
    }
}

/// The files of one Terraform module (one directory), and what they declare.
pub struct Module<'a> {
    pub files: Vec<ModuleFile<'a>>,
    /// The files' clusters and node pools not parsed yet: file `files.len() + k` to the
    /// evaluator is the `k`th, its spans counted from where it starts.
    pub pieces: Vec<Piece<'a>>,
    variables: HashMap<String, Declared<'a>>,
    locals: HashMap<String, (usize, &'a Expression)>,
    /// Values given to variables from outside: `.tfvars` files, or a module call's arguments.
    /// `None` names the source of a value that is set but cannot be evaluated.
    given: HashMap<String, Val>,
    /// Given lists and maps converted to their variables' types, shared by every instance of
    /// every module loaded together (`share_conversions`): a map passed whole to a thousand
    /// instances is converted once, not a thousand times.
    conversions: Conversions,
}

/// Conversions of given values to types: by the value's list or map (its address, the value
/// kept so the address is not reused) and the type expression's address, the converted value.
pub type Conversions = Rc<RefCell<HashMap<(usize, usize), (Val, Val)>>>;

/// A `variable` block: its file, `default`, `type` and whether `nullable = false`.
struct Declared<'a> {
    file: usize,
    default: Option<&'a Expression>,
    ty: Option<&'a Expression>,
    non_null: bool,
}

pub struct ModuleFile<'a> {
    pub input: usize,
    pub text: &'a str,
    /// The file's kept blocks (all of them when it was parsed whole).
    pub body: &'a Body,
    /// Its clusters and node pools, parsed when built.
    pub deferred: &'a [Deferred],
}

/// A cluster or node pool of a module file, parsed when it is built.
pub struct Piece<'a> {
    /// Its file, of the module's.
    pub file: usize,
    pub deferred: &'a Deferred,
}

impl<'a> Module<'a> {
    pub fn new(files: Vec<ModuleFile<'a>>, given: HashMap<String, Val>) -> Module<'a> {
        let mut variables = HashMap::new();
        let mut locals = HashMap::new();
        for (f, file) in files.iter().enumerate() {
            for block in file.body.blocks() {
                match (block.ident.as_str(), block.labels.first()) {
                    ("variable", Some(label)) => {
                        let get = |key: &str| block.body.get_attribute(key).map(|a| &a.value);
                        let declared = Declared {
                            file: f,
                            default: get("default"),
                            ty: get("type"),
                            non_null: matches!(get("nullable"), Some(Expression::Bool(b)) if !*b.value()),
                        };
                        variables.insert(label.as_str().to_string(), declared);
                    }
                    ("locals", _) => {
                        for attr in block.body.attributes() {
                            locals.insert(attr.key.as_str().to_string(), (f, &attr.value));
                        }
                    }
                    _ => {}
                }
            }
        }
        let pieces = files
            .iter()
            .enumerate()
            .flat_map(|(f, file)| {
                file.deferred
                    .iter()
                    .map(move |deferred| Piece { file: f, deferred })
            })
            .collect();
        Module {
            files,
            pieces,
            variables,
            locals,
            given,
            conversions: Conversions::default(),
        }
    }

    /// Converts given values through `conversions`, shared with other modules.
    pub fn share_conversions(&mut self, conversions: &Conversions) {
        self.conversions = conversions.clone();
    }
}

/// Names bound while evaluating one resource instance or dynamic block: `each`, `count`,
/// a dynamic block's iterator.
pub type Scope = Vec<(String, Val)>;

pub struct Evaluator<'m, 'a> {
    module: &'m Module<'a>,
    locals: RefCell<HashMap<String, Val>>,
    /// Variables' values, once evaluated (a default may be a large expression).
    variables: RefCell<HashMap<String, Val>>,
    depth: RefCell<usize>,
    /// The work left (see `MAX_EVAL_WORK`).
    work: std::cell::Cell<u64>,
    /// What this module knows of its own resources and of the modules it calls:
    /// `google_container_cluster` (label → the cluster's name, location, project, id) and
    /// `module` (name → its outputs). An attribute not in them is known only at apply time.
    roots: RefCell<HashMap<String, Val>>,
}

/// The weight of a value, counted up to `cap`: one per element, and strings by 64 bytes.
pub fn weight(v: &Val, cap: usize) -> usize {
    fn walk(v: &Val, cap: usize, acc: &mut usize) {
        *acc += 1;
        match v {
            Val::Str(s) => *acc += s.len() / 64,
            Val::List(items) => {
                for i in items.iter() {
                    if *acc > cap {
                        return;
                    }
                    walk(i, cap, acc);
                }
            }
            Val::Map(m) => {
                for (k, i) in m.iter() {
                    if *acc > cap {
                        return;
                    }
                    *acc += k.len() / 64;
                    walk(i, cap, acc);
                }
            }
            _ => {}
        }
    }
    let mut acc = 0;
    walk(v, cap, &mut acc);
    acc
}

/// The error a value past `MAX_VALUE_WEIGHT` becomes.
fn too_large() -> Val {
    Val::Error(format!(
        "the value grows past {MAX_VALUE_WEIGHT} elements (gkecheck's limit)"
    ))
}

impl<'m, 'a> Evaluator<'m, 'a> {
    pub fn new(module: &'m Module<'a>) -> Self {
        Evaluator {
            module,
            locals: RefCell::new(HashMap::new()),
            variables: RefCell::new(HashMap::new()),
            depth: RefCell::new(0),
            work: std::cell::Cell::new(MAX_EVAL_WORK),
            roots: RefCell::new(HashMap::new()),
        }
    }

    /// Makes `name` (`google_container_cluster`, `module`) evaluate to `value`. Locals
    /// evaluated before are evaluated again, now with it.
    pub fn set_root(&self, name: &str, value: Val) {
        self.roots.borrow_mut().insert(name.to_string(), value);
        self.locals.borrow_mut().clear();
    }

    /// Spends `n` units of work; false when the budget is gone.
    fn spend(&self, n: u64) -> bool {
        let left = self.work.get();
        self.work.set(left.saturating_sub(n));
        left >= n
    }

    /// Whether evaluation stopped at `MAX_EVAL_WORK` somewhere in this module.
    pub fn exhausted(&self) -> bool {
        self.work.get() == 0
    }

    /// A value copied out of a variable, local or iterator: its copy is work too, a string by
    /// its length; a list or map is shared, not copied (one step, whatever its size).
    fn copied(&self, v: Val) -> Val {
        let cost = match &v {
            Val::Str(s) => 1 + s.len() / 64,
            _ => 1,
        };
        if self.spend(cost as u64) {
            v
        } else {
            self.stopped()
        }
    }

    /// A list or map evaluation made (an object, a `for`, `merge`, `concat`...), or an error
    /// when it is heavier than `MAX_VALUE_WEIGHT`. Making it is work by its weight: what it
    /// holds is shared, but a thousand instances each merging a large map into a new one
    /// would otherwise make a thousand large maps for one step each.
    fn built(&self, v: Val) -> Val {
        let w = weight(&v, MAX_VALUE_WEIGHT);
        if w > MAX_VALUE_WEIGHT {
            too_large()
        } else if self.spend(w as u64) {
            v
        } else {
            self.stopped()
        }
    }

    fn listed(&self, items: impl Iterator<Item = Val>) -> Val {
        self.built(Val::list(items.collect()))
    }

    fn stopped(&self) -> Val {
        Val::unknown(format!(
            "evaluation stopped after {MAX_EVAL_WORK} steps of work (gkecheck's limit)"
        ))
    }

    /// A module file's (or piece's) input, text, and the offset its tree's spans count from.
    fn place(&self, file: usize) -> (usize, &'a str, usize) {
        let files = &self.module.files;
        match files.get(file) {
            Some(f) => (f.input, f.text, 0),
            None => {
                let piece = &self.module.pieces[file - files.len()];
                let f = &files[piece.file];
                (f.input, f.text, piece.deferred.range.start)
            }
        }
    }

    /// The module this evaluates.
    pub fn module(&self) -> &'m Module<'a> {
        self.module
    }

    /// The input index of a module file.
    pub fn input_of(&self, file: usize) -> usize {
        self.place(file).0
    }

    /// The source text of a module file.
    pub fn source(&self, file: usize) -> &'a str {
        self.place(file).1
    }

    /// Where a part of a module file's tree is in its input.
    pub fn span(&self, file: usize, item: &impl hcl_edit::Span) -> Span {
        let base = self.place(file).2;
        item.span()
            .map(|r| Span::new(base + r.start, base + r.end))
            .unwrap_or_default()
    }

    /// An expression's text, for messages: long ones are cut in the middle.
    pub fn text(&self, file: usize, expr: &impl hcl_edit::Span) -> String {
        let (_, text, base) = self.place(file);
        match expr.span() {
            Some(r) => quote(text.get(base + r.start..base + r.end).unwrap_or("").trim()),
            None => String::new(),
        }
    }

    pub fn eval(&self, file: usize, scope: &Scope, expr: &Expression) -> Val {
        if !self.spend(1) {
            return self.stopped();
        }
        {
            let mut depth = self.depth.borrow_mut();
            if *depth >= MAX_EVAL_DEPTH {
                return Val::unknown(format!(
                    "{} (references nested more than {MAX_EVAL_DEPTH} deep)",
                    self.text(file, expr)
                ));
            }
            *depth += 1;
        }
        let value = self.eval_inner(file, scope, expr);
        *self.depth.borrow_mut() -= 1;
        value
    }

    fn eval_inner(&self, file: usize, scope: &Scope, expr: &Expression) -> Val {
        match expr {
            Expression::Null(_) => Val::Null,
            Expression::Bool(b) => Val::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or(Val::Null, Val::Num),
            Expression::String(s) => Val::Str(s.value().clone()),
            Expression::Array(items) => {
                self.listed(items.iter().map(|e| self.eval(file, scope, e)))
            }
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => Val::Str(ident.as_str().to_string()),
                        ObjectKey::Expression(e) => self.eval(file, scope, e),
                    };
                    let Some(key) = key.as_text() else {
                        return unknown_or(key, || self.text(file, expr));
                    };
                    map.insert(key, self.eval(file, scope, value.expr()));
                }
                self.built(Val::map(map))
            }
            Expression::StringTemplate(t) => self.template(file, scope, t, expr),
            Expression::HeredocTemplate(h) => self.template(file, scope, &h.template, expr),
            Expression::Parenthesis(p) => self.eval(file, scope, p.inner()),
            Expression::Variable(v) => self.root(v.as_str(), scope, || self.text(file, expr)),
            Expression::Traversal(t) => self.traversal(file, scope, t, expr),
            Expression::Conditional(c) => {
                let cond = self.eval(file, scope, &c.cond_expr);
                match cond.truthy() {
                    Some(true) => self.eval(file, scope, &c.true_expr),
                    Some(false) => self.eval(file, scope, &c.false_expr),
                    None => {
                        let a = self.eval(file, scope, &c.true_expr);
                        let b = self.eval(file, scope, &c.false_expr);
                        if a == b && !a.is_unknown() {
                            return a;
                        }
                        let nonempty = [&a, &b].iter().all(|v| match v {
                            Val::Str(s) => !s.is_empty(),
                            Val::Unknown { nonempty, .. } => *nonempty,
                            _ => false,
                        });
                        let cause = match cond {
                            Val::Unknown { expr, .. } => expr,
                            _ => self.text(file, &c.cond_expr),
                        };
                        Val::Unknown {
                            expr: cause,
                            nonempty,
                        }
                    }
                }
            }
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                if call.name.is_namespaced() || call.args.expand_final() {
                    return Val::unknown(self.text(file, expr));
                }
                self.call(file, scope, name, &args, expr)
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(file, scope, &op.expr);
                match (op.operator.value(), &v) {
                    (UnaryOperator::Not, _) if v.truthy().is_some() => {
                        Val::Bool(!v.truthy().unwrap_or(false))
                    }
                    (UnaryOperator::Neg, _) if v.as_num().is_some() => {
                        Val::Num(-v.as_num().unwrap_or(0.0))
                    }
                    _ => unknown_or(v, || self.text(file, expr)),
                }
            }
            Expression::BinaryOp(op) => self.binary(file, scope, op, expr),
            Expression::ForExpr(f) => self.for_expr(file, scope, f, expr),
        }
    }

    /// `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value...}`.
    fn for_expr(
        &self,
        file: usize,
        scope: &Scope,
        f: &hcl_edit::expr::ForExpr,
        whole: &Expression,
    ) -> Val {
        let collection = self.eval(file, scope, &f.intro.collection_expr).settle();
        let Some(entries) = collection.entries() else {
            return unknown_or(collection, || self.text(file, whole));
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Val> = BTreeMap::new();
        for (key, value) in entries {
            let mut inner = scope.clone();
            match &f.intro.key_var {
                Some(k) => {
                    inner.push((k.as_str().to_string(), key));
                    inner.push((f.intro.value_var.as_str().to_string(), value));
                }
                None => inner.push((f.intro.value_var.as_str().to_string(), value)),
            }
            if let Some(cond) = &f.cond {
                match self.eval(file, &inner, &cond.expr).settle().truthy() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Val::unknown(self.text(file, whole)),
                }
            }
            let value = self.eval(file, &inner, &f.value_expr);
            if list.len() + map.len() >= MAX_VALUE_WEIGHT {
                return too_large();
            }
            match &f.key_expr {
                None => list.push(value),
                Some(k) => {
                    let Some(key) = self.eval(file, &inner, k).settle().as_text() else {
                        return Val::unknown(self.text(file, whole));
                    };
                    if f.grouping {
                        if let Val::List(items) =
                            map.entry(key).or_insert_with(|| Val::list(Vec::new()))
                        {
                            Rc::make_mut(items).push(value);
                        }
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        if f.key_expr.is_some() {
            self.built(Val::map(map))
        } else {
            self.built(Val::list(list))
        }
    }

    fn template(&self, file: usize, scope: &Scope, t: &Template, whole: &Expression) -> Val {
        let mut out = String::new();
        let mut unknown: Option<String> = None;
        for element in t.iter() {
            match element {
                _ if out.len() > MAX_STRING_BYTES => return long_string(),
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => match self.eval(file, scope, &i.expr).settle() {
                    Val::Unknown { expr, .. } => {
                        unknown.get_or_insert(expr);
                    }
                    v => match v.as_text() {
                        Some(s) => out.push_str(&s),
                        None => {
                            unknown.get_or_insert_with(|| self.text(file, &i.expr));
                        }
                    },
                },
                Element::Directive(_) => {
                    unknown.get_or_insert_with(|| self.text(file, whole));
                }
            }
        }
        match unknown {
            // The literal parts alone make the result a non-empty string.
            Some(expr) => Val::Unknown {
                expr,
                nonempty: !out.is_empty(),
            },
            None if out.len() > MAX_STRING_BYTES => long_string(),
            None => Val::Str(out),
        }
    }

    /// A bare name: a bound iterator, or something only known at apply time.
    fn root(&self, name: &str, scope: &Scope, text: impl Fn() -> String) -> Val {
        match scope.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => self.copied(v.clone()),
            None => Val::unknown(text()),
        }
    }

    fn traversal(
        &self,
        file: usize,
        scope: &Scope,
        t: &hcl_edit::expr::Traversal,
        whole: &Expression,
    ) -> Val {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let first_attr = match ops.first() {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let mut applied = false;
        let (value, rest) = match (&t.expr, first_attr) {
            (Expression::Variable(root), Some(attr)) if root.as_str() == "var" => {
                let keys = self.leading_keys(file, scope, &ops[1..]);
                match self.reach_cached(&self.variables, attr, &keys) {
                    Some((v, walked)) => (v, &ops[1 + walked..]),
                    None => (self.variable(attr), &ops[1..]),
                }
            }
            (Expression::Variable(root), Some(attr)) if root.as_str() == "local" => {
                let keys = self.leading_keys(file, scope, &ops[1..]);
                match self.reach_cached(&self.locals, attr, &keys) {
                    Some((v, walked)) => (v, &ops[1 + walked..]),
                    None => (self.local(attr), &ops[1..]),
                }
            }
            (Expression::Variable(root), _) if !scope.iter().any(|(n, _)| n == root.as_str()) => {
                let keys = self.leading_keys(file, scope, &ops);
                match self.roots.borrow().get(root.as_str()) {
                    Some(known) => {
                        applied = true;
                        let (at, walked) = reach(known, &keys);
                        (self.copied(at.clone()), &ops[walked..])
                    }
                    // data.*, other resources' attributes, path.*, terraform.*: only known
                    // at plan or apply time.
                    None => return Val::unknown(self.text(file, whole)),
                }
            }
            _ => (self.eval(file, scope, &t.expr), &ops[..]),
        };
        match self.apply(file, scope, value, rest, whole) {
            // An attribute gkecheck does not know of a resource or module is computed:
            // known at apply time, not an error.
            Val::Error(_) if applied => Val::unknown(self.text(file, whole)),
            // The unknown value keeps its own cause (`var.x (a variable without a default)`).
            Val::Error(e) => Val::Error(format!("{} ({e})", self.text(file, whole))),
            v => v,
        }
    }

    /// Applies traversal operators to a value. A splat (`[*]`, `.*`) applies the operators
    /// after it to each element of a list (a single value counts as a list of one; null as
    /// an empty list).
    fn apply(
        &self,
        file: usize,
        scope: &Scope,
        mut value: Val,
        ops: &[&TraversalOperator],
        whole: &Expression,
    ) -> Val {
        for (i, op) in ops.iter().enumerate() {
            if value.is_unknown() {
                break;
            }
            value = match op {
                TraversalOperator::GetAttr(name) => index(&value, &Val::Str(name.as_str().into())),
                TraversalOperator::Index(e) => {
                    let key = self.eval(file, scope, e).settle();
                    if key.is_unknown() {
                        return unknown_or(key, || self.text(file, whole));
                    }
                    index(&value, &key)
                }
                TraversalOperator::LegacyIndex(n) => index(&value, &Val::Num(*n.value() as f64)),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match value {
                        Val::List(items) => Rc::unwrap_or_clone(items),
                        Val::Null => Vec::new(),
                        single => vec![single],
                    };
                    let rest = &ops[i + 1..];
                    return self.listed(
                        items
                            .into_iter()
                            .map(|item| self.apply(file, scope, item, rest, whole)),
                    );
                }
            };
        }
        value
    }

    /// The part of a value already worked out (a variable's, a local's) that the leading
    /// operators name, copied, with how many operators it took; `None` while it is not known.
    fn reach_cached(
        &self,
        cache: &RefCell<HashMap<String, Val>>,
        name: &str,
        keys: &[Val],
    ) -> Option<(Val, usize)> {
        let cache = cache.borrow();
        let (at, walked) = reach(cache.get(name)?, keys);
        Some((self.copied(at.clone()), walked))
    }

    /// The keys of a traversal's leading operators that each pick one element: attribute
    /// names, literal indexes and index expressions, evaluated (before any value is borrowed:
    /// an index may be a local still to work out), up to a splat or a key not known.
    fn leading_keys(&self, file: usize, scope: &Scope, ops: &[&TraversalOperator]) -> Vec<Val> {
        let mut keys = Vec::new();
        for op in ops {
            let key = match op {
                TraversalOperator::GetAttr(name) => Val::Str(name.as_str().into()),
                TraversalOperator::LegacyIndex(n) => Val::Num(*n.value() as f64),
                TraversalOperator::Index(e) => match self.eval(file, scope, e).settle() {
                    key if key.is_unknown() => break,
                    key => key,
                },
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => break,
            };
            keys.push(key);
        }
        keys
    }

    /// A variable's value: the one given (tfvars, module argument) or its default, converted
    /// to its declared type as Terraform does (optional attributes' defaults filled in).
    fn variable(&self, name: &str) -> Val {
        if let Some(v) = self.variables.borrow().get(name) {
            return self.copied(v.clone());
        }
        let Some(declared) = self.module.variables.get(name) else {
            return match self.module.given.get(name) {
                Some(v) => self.copied(v.clone()),
                None => Val::unknown(format!("var.{name} (not declared in the input)")),
            };
        };
        // A default or type that refers to its own variable (Terraform rejects it) reaches
        // here again before the value is stored: answer unknown.
        self.variables.borrow_mut().insert(
            name.to_string(),
            Val::unknown(format!("var.{name} (its declaration refers to itself)")),
        );
        let default = || match declared.default {
            Some(default) => self.eval(declared.file, &Vec::new(), default),
            None => Val::unknown(format!("var.{name} (a variable without a default)")),
        };
        let v = match self.module.given.get(name) {
            // `nullable = false`: null from the caller means the default.
            Some(Val::Null) if declared.non_null => default(),
            Some(v) => self.copied(v.clone()),
            None => default(),
        };
        let v = match declared.ty {
            Some(ty) => self.typed(name, declared, ty, v),
            None => v,
        };
        self.variables
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    /// A variable's value converted to its declared type; a given list or map once for every
    /// module that is given it (see `Conversions`).
    fn typed(&self, name: &str, declared: &Declared, ty: &Expression, v: Val) -> Val {
        let shared = match &v {
            Val::List(items) => Some(Rc::as_ptr(items) as usize),
            Val::Map(map) => Some(Rc::as_ptr(map) as usize),
            _ => None,
        };
        let key = shared.map(|at| (at, ty as *const Expression as usize));
        if let Some((_, done)) = key.and_then(|k| self.module.conversions.borrow().get(&k).cloned())
        {
            return done;
        }
        let given = v.clone();
        let eval = |e: &Expression| self.eval(declared.file, &Vec::new(), e).settle();
        let converted = match super::types::parse(ty, &eval) {
            Some(ty) => match super::types::convert(v, &ty) {
                Val::Error(e) => Val::unknown(format!("var.{name} ({e})")),
                v => v,
            },
            None => v,
        };
        if let Some(key) = key {
            self.module
                .conversions
                .borrow_mut()
                .insert(key, (given, converted.clone()));
        }
        converted
    }

    fn local(&self, name: &str) -> Val {
        if let Some(v) = self.locals.borrow().get(name) {
            return self.copied(v.clone());
        }
        let Some((f, expr)) = self.module.locals.get(name) else {
            return Val::unknown(format!("local.{name} (not declared in the input)"));
        };
        // A cycle reaches here again before the value is stored: answer unknown.
        self.locals.borrow_mut().insert(
            name.to_string(),
            Val::unknown(format!("local.{name} (refers to itself)")),
        );
        let v = self.eval(*f, &Vec::new(), expr);
        self.locals.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    fn binary(
        &self,
        file: usize,
        scope: &Scope,
        op: &hcl_edit::expr::BinaryOp,
        whole: &Expression,
    ) -> Val {
        let a = self.eval(file, scope, &op.lhs_expr).settle();
        let operator = *op.operator.value();
        // `false && x` and `true || x` are decided by the left side alone.
        match (operator, a.truthy()) {
            (BinaryOperator::And, Some(false)) => return Val::Bool(false),
            (BinaryOperator::Or, Some(true)) => return Val::Bool(true),
            _ => {}
        }
        let b = self.eval(file, scope, &op.rhs_expr).settle();
        if a.is_unknown() || b.is_unknown() {
            let cause = if a.is_unknown() { a } else { b };
            return unknown_or(cause, || self.text(file, whole));
        }
        let nums = a.as_num().zip(b.as_num());
        let result = match operator {
            BinaryOperator::Eq => Some(Val::Bool(loose_eq(&a, &b))),
            BinaryOperator::NotEq => Some(Val::Bool(!loose_eq(&a, &b))),
            BinaryOperator::And => a.truthy().zip(b.truthy()).map(|(x, y)| Val::Bool(x && y)),
            BinaryOperator::Or => a.truthy().zip(b.truthy()).map(|(x, y)| Val::Bool(x || y)),
            BinaryOperator::Less => nums.map(|(x, y)| Val::Bool(x < y)),
            BinaryOperator::LessEq => nums.map(|(x, y)| Val::Bool(x <= y)),
            BinaryOperator::Greater => nums.map(|(x, y)| Val::Bool(x > y)),
            BinaryOperator::GreaterEq => nums.map(|(x, y)| Val::Bool(x >= y)),
            BinaryOperator::Plus => nums.map(|(x, y)| Val::Num(x + y)),
            BinaryOperator::Minus => nums.map(|(x, y)| Val::Num(x - y)),
            BinaryOperator::Mul => nums.map(|(x, y)| Val::Num(x * y)),
            BinaryOperator::Div => nums
                .filter(|(_, y)| *y != 0.0)
                .map(|(x, y)| Val::Num(x / y)),
            BinaryOperator::Mod => nums
                .filter(|(_, y)| *y != 0.0)
                .map(|(x, y)| Val::Num(x % y)),
        };
        result.unwrap_or_else(|| Val::unknown(self.text(file, whole)))
    }

    fn call(
        &self,
        file: usize,
        scope: &Scope,
        name: &str,
        args: &[&Expression],
        whole: &Expression,
    ) -> Val {
        let eval = |i: usize| -> Val {
            args.get(i)
                .map_or(Val::Error("missing argument".into()), |e| {
                    self.eval(file, scope, e)
                })
        };
        let unknown = || Val::unknown(self.text(file, whole));
        match name {
            // try() returns its first argument that evaluates without an error.
            "try" => {
                for i in 0..args.len() {
                    match eval(i) {
                        Val::Error(_) => continue,
                        v => return v,
                    }
                }
                unknown()
            }
            "can" => match eval(0) {
                Val::Error(_) => Val::Bool(false),
                Val::Unknown { .. } => unknown(),
                _ => Val::Bool(true),
            },
            "lookup" => {
                let (map, key) = (eval(0).settle(), eval(1).settle());
                if map.is_unknown() || key.is_unknown() {
                    return unknown_or(if map.is_unknown() { map } else { key }, || {
                        self.text(file, whole)
                    });
                }
                match index(&map, &key) {
                    Val::Error(e) if args.len() > 2 => {
                        let _ = e;
                        eval(2)
                    }
                    v => v,
                }
            }
            "coalesce" => {
                for i in 0..args.len() {
                    match eval(i).settle() {
                        Val::Null => continue,
                        Val::Str(s) if s.is_empty() => continue,
                        v => return v,
                    }
                }
                unknown()
            }
            "tostring" | "tomap" | "toset" | "tolist" | "tobool" | "tonumber" | "sensitive"
            | "nonsensitive" => {
                let v = eval(0);
                match (name, v) {
                    ("toset", Val::List(items)) => self.built(set_of(Rc::unwrap_or_clone(items))),
                    ("tobool", v) => v.truthy().map_or(unknown(), Val::Bool),
                    ("tonumber", v) => v.as_num().map_or(unknown(), Val::Num),
                    (_, v) => v,
                }
            }
            // Case is changed for ASCII text, what GKE settings hold; other text is left
            // unknown rather than carry Unicode's case tables into the page's engine.
            "lower" | "upper" | "trimspace" => match eval(0).settle() {
                Val::Str(s) if name == "trimspace" => Val::Str(s.trim().to_string()),
                Val::Str(s) if s.is_ascii() => Val::Str(if name == "lower" {
                    s.to_ascii_lowercase()
                } else {
                    s.to_ascii_uppercase()
                }),
                Val::Str(_) => unknown(),
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            "format" => self.format(file, scope, args, whole),
            "join" => match (eval(0).settle(), eval(1).settle()) {
                (Val::Str(sep), Val::List(items)) => {
                    if !self.spend(items.len() as u64) {
                        return self.stopped();
                    }
                    let parts: Option<Vec<String>> = items.iter().map(Val::as_text).collect();
                    parts.map_or(unknown(), |p| {
                        let total: usize =
                            p.iter().map(String::len).sum::<usize>() + sep.len() * p.len();
                        if total > MAX_STRING_BYTES {
                            long_string()
                        } else {
                            Val::Str(p.join(&sep))
                        }
                    })
                }
                (a, b) => unknown_or(
                    if a.is_unknown() { a } else { b },
                    unknown_text(self, file, whole),
                ),
            },
            "concat" => {
                let mut out = Vec::new();
                for i in 0..args.len() {
                    match eval(i).settle() {
                        Val::List(items) => out.extend(Rc::unwrap_or_clone(items)),
                        v => return unknown_or(v, unknown_text(self, file, whole)),
                    }
                }
                self.built(Val::list(out))
            }
            "merge" => {
                let mut out = BTreeMap::new();
                for i in 0..args.len() {
                    match eval(i).settle() {
                        Val::Map(m) => out.extend(Rc::unwrap_or_clone(m)),
                        Val::Null => {}
                        v => return unknown_or(v, unknown_text(self, file, whole)),
                    }
                }
                self.built(Val::map(out))
            }
            "length" => match eval(0).settle() {
                Val::List(items) => Val::Num(items.len() as f64),
                Val::Map(m) => Val::Num(m.len() as f64),
                Val::Str(s) => Val::Num(s.chars().count() as f64),
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            "contains" => match (eval(0).settle(), eval(1).settle()) {
                (Val::List(items), v) if !v.is_unknown() => {
                    if !self.spend(items.len() as u64) {
                        return self.stopped();
                    }
                    match items.iter().find(|i| i.is_unknown()) {
                        Some(u) => unknown_or(u.clone(), unknown_text(self, file, whole)),
                        None => Val::Bool(items.iter().any(|i| loose_eq(i, &v))),
                    }
                }
                (a, b) => unknown_or(
                    if a.is_unknown() { a } else { b },
                    unknown_text(self, file, whole),
                ),
            },
            "keys" | "values" => match eval(0).settle() {
                Val::Map(m) => self.built(Val::list(if name == "keys" {
                    m.keys().map(|k| Val::Str(k.clone())).collect()
                } else {
                    m.values().cloned().collect()
                })),
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            "element" => match (eval(0).settle(), eval(1).settle()) {
                (Val::List(items), i)
                    if !items.is_empty() && i.as_num().is_some_and(|i| i >= 0.0) =>
                {
                    items[i.as_num().unwrap_or(0.0) as usize % items.len()].clone()
                }
                (a, b) => unknown_or(
                    if a.is_unknown() { a } else { b },
                    unknown_text(self, file, whole),
                ),
            },
            // Lists of lists made one list, as far down as they go.
            "flatten" => match eval(0).settle() {
                Val::List(items) => {
                    fn flat(items: Vec<Val>, out: &mut Vec<Val>) -> Result<(), Val> {
                        for item in items {
                            match item {
                                Val::List(inner) => flat(Rc::unwrap_or_clone(inner), out)?,
                                v if v.is_unknown() => return Err(v),
                                v => out.push(v),
                            }
                        }
                        Ok(())
                    }
                    let mut out = Vec::new();
                    match flat(Rc::unwrap_or_clone(items), &mut out) {
                        Ok(()) => self.built(Val::list(out)),
                        Err(v) => unknown_or(v, unknown_text(self, file, whole)),
                    }
                }
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            // The first argument that is a non-empty list.
            "coalescelist" => {
                for i in 0..args.len() {
                    match eval(i).settle() {
                        Val::List(items) if items.is_empty() => continue,
                        v @ Val::List(_) => return v,
                        v => return unknown_or(v, unknown_text(self, file, whole)),
                    }
                }
                unknown()
            }
            // The one element of a list of at most one (null when empty).
            "one" => match eval(0).settle() {
                Val::List(items) if items.is_empty() => Val::Null,
                Val::List(items) if items.len() == 1 => items[0].clone(),
                Val::List(_) => Val::Error("one() of a list with more than one element".into()),
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            "zipmap" => match (eval(0).settle(), eval(1).settle()) {
                (Val::List(keys), Val::List(values)) if keys.len() == values.len() => {
                    let mut map = BTreeMap::new();
                    for (k, v) in Rc::unwrap_or_clone(keys)
                        .into_iter()
                        .zip(Rc::unwrap_or_clone(values))
                    {
                        match k.as_text() {
                            Some(k) => {
                                map.insert(k, v);
                            }
                            None => return unknown_or(k, unknown_text(self, file, whole)),
                        }
                    }
                    self.built(Val::map(map))
                }
                (a, b) => unknown_or(
                    if a.is_unknown() { a } else { b },
                    unknown_text(self, file, whole),
                ),
            },
            "split" => match (eval(0).settle(), eval(1).settle()) {
                (Val::Str(sep), Val::Str(text)) if !sep.is_empty() => self.built(Val::list(
                    text.split(sep.as_str())
                        .map(|p| Val::Str(p.to_string()))
                        .collect(),
                )),
                (a, b) => unknown_or(
                    if a.is_unknown() { a } else { b },
                    unknown_text(self, file, whole),
                ),
            },
            // replace(text, substring, replacement); a /regex/ is left unknown.
            "replace" => match (eval(0).settle(), eval(1).settle(), eval(2).settle()) {
                (Val::Str(text), Val::Str(from), Val::Str(to))
                    if !(from.len() > 1 && from.starts_with('/') && from.ends_with('/')) =>
                {
                    let out = if from.is_empty() {
                        text
                    } else {
                        text.replace(from.as_str(), &to)
                    };
                    if out.len() > MAX_STRING_BYTES {
                        long_string()
                    } else {
                        Val::Str(out)
                    }
                }
                _ => unknown(),
            },
            "distinct" => match eval(0).settle() {
                Val::List(items) => {
                    let mut out: Vec<Val> = Vec::new();
                    for item in Rc::unwrap_or_clone(items) {
                        if !out.contains(&item) {
                            out.push(item);
                        }
                    }
                    self.built(Val::list(out))
                }
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            "compact" => match eval(0).settle() {
                Val::List(items) if !items.iter().any(Val::is_unknown) => self.built(Val::list(
                    Rc::unwrap_or_clone(items)
                        .into_iter()
                        .filter(|v| !matches!(v, Val::Null) && v != &Val::Str(String::new()))
                        .collect(),
                )),
                v => unknown_or(v, unknown_text(self, file, whole)),
            },
            // range(end), range(start, end), range(start, end, step): at most the value limit.
            "range" => {
                let nums: Vec<Option<f64>> =
                    (0..args.len()).map(|i| eval(i).settle().as_num()).collect();
                let (start, end, step) = match nums[..] {
                    [Some(e)] => (0.0, e, 1.0),
                    [Some(s), Some(e)] => (s, e, if e >= s { 1.0 } else { -1.0 }),
                    [Some(s), Some(e), Some(st)] => (s, e, st),
                    _ => return unknown(),
                };
                if step == 0.0 || !start.is_finite() || !end.is_finite() {
                    return Val::Error("range() with a step of 0 or an endless bound".into());
                }
                let count = ((end - start) / step).ceil();
                if count > MAX_VALUE_WEIGHT as f64 {
                    return too_large();
                }
                let count = count.max(0.0) as usize;
                self.built(Val::list(
                    (0..count)
                        .map(|i| Val::Num(start + step * i as f64))
                        .collect(),
                ))
            }
            _ => unknown(),
        }
    }

    fn format(&self, file: usize, scope: &Scope, args: &[&Expression], whole: &Expression) -> Val {
        let Some(Val::Str(spec)) = args.first().map(|e| self.eval(file, scope, e)) else {
            return Val::unknown(self.text(file, whole));
        };
        let mut out = String::new();
        let mut next = 1;
        let mut unknown = None;
        let mut chars = spec.chars();
        while let Some(c) = chars.next() {
            if out.len() > MAX_STRING_BYTES {
                return long_string();
            }
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('s' | 'd' | 'v') => {
                    let v = args
                        .get(next)
                        .map_or(Val::Null, |e| self.eval(file, scope, e))
                        .settle();
                    next += 1;
                    match v.as_text() {
                        Some(s) => out.push_str(&s),
                        None => {
                            unknown.get_or_insert(match v {
                                Val::Unknown { expr, .. } => expr,
                                _ => self.text(file, whole),
                            });
                        }
                    }
                }
                _ => return Val::unknown(self.text(file, whole)),
            }
        }
        match unknown {
            Some(expr) => Val::Unknown {
                expr,
                nonempty: !out.is_empty(),
            },
            None => Val::Str(out),
        }
    }
}

fn unknown_text<'x>(
    ev: &'x Evaluator<'_, '_>,
    file: usize,
    whole: &'x Expression,
) -> impl Fn() -> String + 'x {
    move || ev.text(file, whole)
}

/// Keeps an unknown value's own cause; anything else becomes unknown naming `text`.
fn unknown_or(v: Val, text: impl Fn() -> String) -> Val {
    match v {
        Val::Unknown { expr, .. } => Val::unknown(expr),
        Val::Error(e) => Val::Error(e),
        _ => Val::unknown(text()),
    }
}

/// A set as Terraform holds it: each element once; a set of strings in their order.
pub fn set_of(items: Vec<Val>) -> Val {
    let mut out: Vec<Val> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    if out.iter().all(|v| matches!(v, Val::Str(_))) {
        crate::sort::sort_by_key(&mut out, Val::as_text);
    }
    Val::list(out)
}

/// The error a string past `MAX_STRING_BYTES` becomes.
fn long_string() -> Val {
    Val::Error(format!(
        "the string grows past {} MiB (gkecheck's limit)",
        MAX_STRING_BYTES >> 20
    ))
}

/// Terraform's `==`: values of different types are never equal.
fn loose_eq(a: &Val, b: &Val) -> bool {
    a == b
}

/// The value that keys name in turn (see `Evaluator::leading_keys`), found in place, with how
/// many keys it took: only what a reference reaches is copied (a module of a thousand clusters
/// whose pools each named their cluster's attributes copied every cluster for each name, ran
/// out of work and left its pools unknown). The operators after those are applied to the copy,
/// as to any value; a key that finds nothing is left to them, to say why.
fn reach<'v>(mut at: &'v Val, keys: &[Val]) -> (&'v Val, usize) {
    for (walked, key) in keys.iter().enumerate() {
        match lookup(at, key) {
            Some(next) => at = next,
            None => return (at, walked),
        }
    }
    (at, keys.len())
}

/// The element of a map or list a key names, if there is one (as `index` finds it).
fn lookup<'v>(collection: &'v Val, key: &Val) -> Option<&'v Val> {
    match collection {
        Val::Map(m) => m.get(&key.as_text()?),
        Val::List(items) => match key.as_num() {
            Some(i) if i >= 0.0 && (i as usize) < items.len() => Some(&items[i as usize]),
            _ => None,
        },
        _ => None,
    }
}

/// `collection[key]`, or an error naming what is missing.
pub fn index(collection: &Val, key: &Val) -> Val {
    match (collection, key) {
        (Val::Map(_), k) => match (lookup(collection, k), k.as_text()) {
            (Some(v), _) => v.clone(),
            (None, Some(k)) => Val::Error(format!("no key \"{k}\"")),
            (None, None) => Val::Error("the key is not a string".into()),
        },
        (Val::List(_), k) => match lookup(collection, k) {
            Some(v) => v.clone(),
            None => Val::Error(format!("no element {}", k.as_text().unwrap_or_default())),
        },
        (Val::Unknown { .. }, _) => collection.clone(),
        (Val::Null, _) => Val::Error("the value is null".into()),
        _ => Val::Error("the value cannot be indexed".into()),
    }
}
