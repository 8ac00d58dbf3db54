//! Variable type constraints as Terraform applies them: the caller's value (or the default)
//! converted to the declared type, with `optional(T, default)` attributes of objects filled in
//! (Terraform 1.3 and later), nested objects and collections of objects included.

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl_edit::expr::{Expression, ObjectKey};

use super::eval::{format_number, set_of, Val};

/// A type constraint. Defaults of optional attributes are values already evaluated.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<Attribute>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub optional: bool,
    /// The default of `optional(T, default)`, converted to `T` when used.
    pub default: Option<Val>,
}

/// Reads a type expression; `eval` evaluates the defaults of optional attributes. `None` for
/// an expression that is not a type gkecheck reads: the value is then taken as it is.
pub fn parse(expr: &Expression, eval: &dyn Fn(&Expression) -> Val) -> Option<Type> {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "any" => Some(Type::Any),
            "string" => Some(Type::String),
            "number" => Some(Type::Number),
            "bool" => Some(Type::Bool),
            _ => None,
        },
        Expression::Parenthesis(p) => parse(p.inner(), eval),
        Expression::FuncCall(call) if !call.name.is_namespaced() => {
            let args: Vec<&Expression> = call.args.iter().collect();
            let one = || -> Option<Box<Type>> {
                match args.as_slice() {
                    [inner] => parse(inner, eval).map(Box::new),
                    _ => None,
                }
            };
            match call.name.name.as_str() {
                "list" => one().map(Type::List),
                "set" => one().map(Type::Set),
                "map" => one().map(Type::Map),
                "tuple" => match args.as_slice() {
                    [Expression::Array(items)] => items
                        .iter()
                        .map(|e| parse(e, eval))
                        .collect::<Option<Vec<_>>>()
                        .map(Type::Tuple),
                    _ => None,
                },
                "object" => match args.as_slice() {
                    [Expression::Object(object)] => {
                        let mut attributes = Vec::new();
                        for (key, value) in object.iter() {
                            let name = match key {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                                ObjectKey::Expression(_) => return None,
                            };
                            attributes.push(attribute(name, value.expr(), eval)?);
                        }
                        Some(Type::Object(attributes))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn attribute(
    name: String,
    expr: &Expression,
    eval: &dyn Fn(&Expression) -> Val,
) -> Option<Attribute> {
    if let Expression::FuncCall(call) = expr {
        if call.name.name.as_str() == "optional" && !call.name.is_namespaced() {
            let args: Vec<&Expression> = call.args.iter().collect();
            let ty = parse(args.first()?, eval)?;
            let default = args.get(1).map(|d| eval(d));
            return Some(Attribute {
                name,
                ty,
                optional: true,
                default,
            });
        }
    }
    Some(Attribute {
        name,
        ty: parse(expr, eval)?,
        optional: false,
        default: None,
    })
}

/// `value` converted to `ty` as Terraform converts a variable's value; what cannot be
/// converted becomes an error naming why (Terraform would refuse the configuration).
pub fn convert(value: Val, ty: &Type) -> Val {
    match (ty, value) {
        (_, v @ (Val::Unknown { .. } | Val::Error(_) | Val::Null)) => v,
        (Type::Any, v) => v,
        (Type::String, Val::Str(s)) => Val::Str(s),
        (Type::String, Val::Num(n)) => Val::Str(format_number(n)),
        (Type::String, Val::Bool(b)) => Val::Str(b.to_string()),
        (Type::Number, Val::Num(n)) => Val::Num(n),
        (Type::Number, Val::Str(s)) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && s.trim() == s => Val::Num(n),
            _ => mismatch("a number", &Val::Str(s)),
        },
        (Type::Bool, Val::Bool(b)) => Val::Bool(b),
        (Type::Bool, Val::Str(s)) if s == "true" || s == "false" => Val::Bool(s == "true"),
        (Type::List(inner), Val::List(items)) => collect(
            Rc::unwrap_or_clone(items)
                .into_iter()
                .map(|v| convert(v, inner)),
        ),
        (Type::Set(inner), Val::List(items)) => {
            match collect(
                Rc::unwrap_or_clone(items)
                    .into_iter()
                    .map(|v| convert(v, inner)),
            ) {
                Val::List(items) => set_of(Rc::unwrap_or_clone(items)),
                error => error,
            }
        }
        (Type::Map(inner), Val::Map(map)) => {
            let mut out = BTreeMap::new();
            for (k, v) in Rc::unwrap_or_clone(map) {
                match convert(v, inner) {
                    e @ Val::Error(_) => return e,
                    v => {
                        out.insert(k, v);
                    }
                }
            }
            Val::map(out)
        }
        (Type::Tuple(types), Val::List(items)) if types.len() == items.len() => collect(
            Rc::unwrap_or_clone(items)
                .into_iter()
                .zip(types)
                .map(|(v, t)| convert(v, t)),
        ),
        (Type::Object(attributes), Val::Map(map)) => {
            let mut out = BTreeMap::new();
            for a in attributes {
                let value = match map.get(&a.name).cloned() {
                    Some(Val::Null) | None if a.optional => match &a.default {
                        Some(d) => convert(d.clone(), &a.ty),
                        None => Val::Null,
                    },
                    Some(v) => convert(v, &a.ty),
                    None => {
                        return Val::Error(format!(
                            "attribute \"{}\" is required by the variable's type",
                            a.name
                        ))
                    }
                };
                if let Val::Error(_) = value {
                    return value;
                }
                out.insert(a.name.clone(), value);
            }
            // Attributes the type does not declare are dropped, as Terraform does.
            Val::map(out)
        }
        (ty, v) => mismatch(describe(ty), &v),
    }
}

fn collect(items: impl Iterator<Item = Val>) -> Val {
    let mut out = Vec::new();
    for item in items {
        if let Val::Error(_) = item {
            return item;
        }
        out.push(item);
    }
    Val::list(out)
}

fn describe(ty: &Type) -> &'static str {
    match ty {
        Type::Any => "any value",
        Type::String => "a string",
        Type::Number => "a number",
        Type::Bool => "a bool",
        Type::List(_) | Type::Set(_) | Type::Tuple(_) => "a list",
        Type::Map(_) | Type::Object(_) => "an object",
    }
}

fn mismatch(expected: &str, found: &Val) -> Val {
    let what = match found {
        Val::Bool(_) => "a bool",
        Val::Num(_) => "a number",
        Val::Str(_) => "a string",
        Val::List(_) => "a list",
        Val::Map(_) => "an object",
        _ => "a value",
    };
    Val::Error(format!(
        "the variable's type expects {expected}, found {what}"
    ))
}
