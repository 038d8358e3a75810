//! The expression language of templates: `${...}` inside strings.
//!
//! A string that is exactly one `${expr}` takes the expression's value (a list stays a list);
//! any other string has each `${expr}` replaced by Python's `str()` of its value. An
//! expression is a literal (`'text'`, `3`, `true`, `null`, `[a, b]`), a name (`vm_names`,
//! `item.skill`), or a call of one of the named functions in `functions.rs`.

use serde_json::Value;

pub(super) use super::functions::EvalError;
use super::functions::{call, FnContext};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Literal(Value),
    List(Vec<Expr>),
    Path(Vec<String>),
    Call(String, Vec<Expr>),
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!("{what} at position {} of '{}'", self.pos, self.src)
    }

    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.skip_ws();
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect())
    }

    fn args(&mut self, close: char) -> Result<Vec<Expr>, String> {
        let mut out = Vec::new();
        if self.eat(close) {
            return Ok(out);
        }
        loop {
            out.push(self.expr()?);
            if self.eat(close) {
                return Ok(out);
            }
            if !self.eat(',') {
                return Err(self.err(&format!("expected ',' or '{close}'")));
            }
        }
    }

    fn expr(&mut self) -> Result<Expr, String> {
        match self.peek() {
            None => Err(self.err("expected an expression")),
            Some('\'') => {
                self.pos += 1;
                let mut s = String::new();
                loop {
                    match self.chars.get(self.pos).copied() {
                        None => return Err(self.err("unterminated string")),
                        Some('\'') => {
                            self.pos += 1;
                            return Ok(Expr::Literal(Value::String(s)));
                        }
                        Some('\\') => {
                            let next =
                                self.chars.get(self.pos + 1).copied().ok_or_else(|| self.err("dangling escape"))?;
                            s.push(match next {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                            self.pos += 2;
                        }
                        Some(c) => {
                            s.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            Some('[') => {
                self.pos += 1;
                Ok(Expr::List(self.args(']')?))
            }
            Some('{') => {
                // only the empty object: richer objects are written as YAML mappings
                self.pos += 1;
                if !self.eat('}') {
                    return Err(self.err("only the empty object {} can be written inside an expression"));
                }
                Ok(Expr::Literal(Value::Object(serde_json::Map::new())))
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                let start = self.pos;
                self.pos += 1;
                while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                let v: Value = serde_json::from_str(&text).map_err(|_| self.err("bad number"))?;
                Ok(Expr::Literal(v))
            }
            Some(_) => {
                let name = self.ident().ok_or_else(|| self.err("expected a name"))?;
                match name.as_str() {
                    "true" => return Ok(Expr::Literal(Value::Bool(true))),
                    "false" => return Ok(Expr::Literal(Value::Bool(false))),
                    "null" => return Ok(Expr::Literal(Value::Null)),
                    _ => {}
                }
                if self.eat('(') {
                    return Ok(Expr::Call(name, self.args(')')?));
                }
                let mut path = vec![name];
                while self.eat('.') {
                    path.push(self.ident().ok_or_else(|| self.err("expected a field name after '.'"))?);
                }
                Ok(Expr::Path(path))
            }
        }
    }
}

/// One piece of a template string.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    Text(String),
    Expr(Expr),
}

/// Splits a string into text and `${...}` expressions. `$${` writes a literal `${`.
pub(super) fn parse_template_string(s: &str) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' && chars.get(i + 1) == Some(&'$') && chars.get(i + 2) == Some(&'{') {
            text.push_str("${");
            i += 3;
            continue;
        }
        if chars[i] == '$' && chars.get(i + 1) == Some(&'{') {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            let mut p = Parser { chars: chars.clone(), pos: i + 2, src: s };
            let e = p.expr()?;
            if !p.eat('}') {
                return Err(p.err("expected '}'"));
            }
            pieces.push(Piece::Expr(e));
            i = p.pos;
            continue;
        }
        text.push(chars[i]);
        i += 1;
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Names in scope while a template is instantiated, innermost last.
pub(super) struct Scope {
    frames: Vec<serde_json::Map<String, Value>>,
}

impl Scope {
    pub(super) fn new(root: serde_json::Map<String, Value>) -> Self {
        Scope { frames: vec![root] }
    }
    pub(super) fn push(&mut self, frame: serde_json::Map<String, Value>) {
        self.frames.push(frame);
    }
    pub(super) fn pop(&mut self) {
        self.frames.pop();
    }
    pub(super) fn set(&mut self, name: &str, v: Value) {
        if let Some(top) = self.frames.last_mut() {
            top.insert(name.to_string(), v);
        }
    }
    pub(super) fn get(&self, name: &str) -> Option<&Value> {
        self.frames.iter().rev().find_map(|f| f.get(name))
    }
}

pub(super) fn eval(e: &Expr, scope: &Scope, ctx: &FnContext) -> Result<Value, EvalError> {
    match e {
        Expr::Literal(v) => Ok(v.clone()),
        Expr::List(items) => Ok(Value::Array(items.iter().map(|i| eval(i, scope, ctx)).collect::<Result<_, _>>()?)),
        Expr::Path(path) => {
            let mut v =
                scope.get(&path[0]).ok_or_else(|| EvalError::Definition(format!("unknown name '{}'", path[0])))?;
            for field in &path[1..] {
                v = v
                    .get(field)
                    .ok_or_else(|| EvalError::Definition(format!("'{}' has no field '{field}'", path.join("."))))?;
            }
            Ok(v.clone())
        }
        Expr::Call(name, args) => {
            let values = args.iter().map(|a| eval(a, scope, ctx)).collect::<Result<Vec<_>, _>>()?;
            call(name, values, ctx)
        }
    }
}

/// Renders a template string: one whole `${expr}` keeps its value's type; otherwise the
/// pieces are joined, each expression as Python's `str()`.
pub(super) fn render_string(s: &str, scope: &Scope, ctx: &FnContext) -> Result<Value, EvalError> {
    if !s.contains("${") {
        return Ok(Value::String(s.replace("$${", "${")));
    }
    let pieces = parse_template_string(s).map_err(EvalError::Definition)?;
    if let [Piece::Expr(e)] = pieces.as_slice() {
        return eval(e, scope, ctx);
    }
    let mut out = String::new();
    for p in &pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Expr(e) => out.push_str(&crate::pyfmt::py_str(&eval(e, scope, ctx)?)),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(s: &str, vars: Value) -> Value {
        let scope = Scope::new(vars.as_object().unwrap().clone());
        render_string(s, &scope, &FnContext::default()).unwrap()
    }

    #[test]
    fn whole_expression_keeps_type() {
        assert_eq!(render("${vms}", json!({"vms": ["a", "b"]})), json!(["a", "b"]));
        assert_eq!(render("${item.n}", json!({"item": {"n": 3}})), json!(3));
    }

    #[test]
    fn interpolation_is_python_str() {
        let vars = json!({"vms": ["a", "b"], "n": 3, "t": true});
        assert_eq!(render("Restart ${len(vms)} VMs: ${join(vms, ', ')}.", vars.clone()), json!("Restart 2 VMs: a, b."));
        assert_eq!(render("x=${vms} ${t} ${null}", vars), json!("x=['a', 'b'] True None"));
        assert_eq!(render("cost $${HOME} ${'}'}", json!({})), json!("cost ${HOME} }"));
    }

    #[test]
    fn bad_expressions_are_definition_errors() {
        let scope = Scope::new(serde_json::Map::new());
        for bad in ["${", "${foo(}", "${x}", "${len(1,}"] {
            assert!(
                matches!(render_string(bad, &scope, &FnContext::default()), Err(EvalError::Definition(_))),
                "{bad}"
            );
        }
    }
}
