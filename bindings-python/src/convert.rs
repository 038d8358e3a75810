//! Python objects ⇄ JSON values, with the same readings as upstream's storage
//! (`json.dumps(obj, default=str)`): tuples are lists, other objects their `str()`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

fn key_text(k: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = k.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if k.is_none() {
        return Ok("null".into());
    }
    if let Ok(b) = k.cast::<PyBool>() {
        return Ok(if b.is_true() { "true" } else { "false" }.into());
    }
    if k.is_instance_of::<PyFloat>() {
        return Ok(pilot_core::pyfmt::py_float_repr(k.extract::<f64>()?));
    }
    Ok(k.str()?.to_str()?.to_owned())
}

/// A Python value as JSON.
pub fn to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_json_depth(obj, 0)
}

fn to_json_depth(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > 200 {
        return Err(pyo3::exceptions::PyValueError::new_err("value nested more than 200 levels deep"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        // beyond 64 bits: kept as its digits
        return Ok(Value::String(obj.str()?.to_str()?.to_owned()));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        return Ok(Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(pilot_core::pyfmt::py_float_repr(f))));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::new();
        for (k, v) in d.iter() {
            m.insert(key_text(&k)?, to_json_depth(&v, depth + 1)?);
        }
        return Ok(Value::Object(m));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return Ok(Value::Array(l.iter().map(|x| to_json_depth(&x, depth + 1)).collect::<PyResult<_>>()?));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return Ok(Value::Array(t.iter().map(|x| to_json_depth(&x, depth + 1)).collect::<PyResult<_>>()?));
    }
    Ok(Value::String(obj.str()?.to_str()?.to_owned()))
}

/// A JSON object from a Python mapping (`TypeError` for anything else).
pub fn to_map(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Map<String, Value>> {
    if obj.is_none() {
        return Ok(Map::new());
    }
    match to_json(obj)? {
        Value::Object(m) if obj.cast::<PyDict>().is_ok() => Ok(m),
        _ => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be a dict, not {}",
            obj.get_type().name()?
        ))),
    }
}

/// A JSON value as a Python object (dicts keep their key order).
pub fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for i in items {
                list.append(to_py(py, i)?)?;
            }
            list.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

pub fn map_to_py<'py>(py: Python<'py>, m: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, x) in m {
        d.set_item(k, to_py(py, x)?)?;
    }
    Ok(d)
}
