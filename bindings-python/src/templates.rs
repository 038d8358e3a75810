//! Templates for the Python modules: built-ins plus the user's custom files.

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;

use pilot_core::templates::{self as t, CustomFile, TemplateSet};

use crate::convert::{to_json, to_map, to_py};

/// `(name, has_default, default)`.
type ParamInfo<'py> = (String, bool, Bound<'py, PyAny>);

#[pyclass(module = "vmware_pilot._native", name = "TemplateSet")]
pub struct PyTemplateSet {
    set: TemplateSet,
    #[pyo3(get)]
    warnings: Vec<String>,
}

impl PyTemplateSet {
    fn _get(&self, name: &str) -> PyResult<&t::Template> {
        self.set.get(name).ok_or_else(|| PyKeyError::new_err(name.to_string()))
    }
}

#[pymethods]
impl PyTemplateSet {
    /// `customs`: `(parsed_document, file_name, display_path)` per user file, in file order.
    #[new]
    #[pyo3(signature = (customs = Vec::new()))]
    fn new(customs: Vec<(Bound<'_, PyAny>, String, String)>) -> PyResult<Self> {
        let mut warnings = Vec::new();
        let mut templates = Vec::new();
        for (doc, file, display) in customs {
            match t::custom_template(to_json(&doc)?, &file, &display) {
                CustomFile::Template(tpl) => templates.push(*tpl),
                CustomFile::Skipped(why) => warnings.push(why),
            }
        }
        let set = TemplateSet::with_customs(templates);
        Ok(PyTemplateSet { set, warnings })
    }

    #[getter]
    fn shadowed(&self) -> Vec<String> {
        self.set.shadowed.clone()
    }

    fn names(&self) -> Vec<String> {
        self.set.names()
    }

    fn __contains__(&self, name: &str) -> bool {
        self.set.get(name).is_some()
    }

    fn is_custom(&self, name: &str) -> PyResult<bool> {
        Ok(self._get(name)?.source.is_some())
    }

    fn description(&self, name: &str) -> PyResult<String> {
        Ok(self._get(name)?.description.clone())
    }

    fn signature(&self, name: &str) -> PyResult<String> {
        Ok(self._get(name)?.signature())
    }

    /// Parameter names in signature order, with defaults: `[(name, has_default, default)]`;
    /// None for templates that take any params.
    fn parameters<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Vec<ParamInfo<'py>>>> {
        let Some(ps) = &self._get(name)?.parameters else { return Ok(None) };
        ps.iter()
            .map(|p| Ok((p.name.clone(), p.default.is_some(), to_py(py, p.default.as_ref().unwrap_or(&Value::Null))?)))
            .collect::<PyResult<Vec<_>>>()
            .map(Some)
    }

    fn schema<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self._get(name)?.params_schema())
    }

    /// Builds the workflow (a `models.Workflow`); refusals raise as upstream's do.
    fn instantiate<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        args: &Bound<'py, PyAny>,
        caller: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let tpl = self.set.get(name).ok_or_else(|| PyKeyError::new_err(name.to_string()))?;
        let env = crate::env::env(py, caller);
        let a = to_map(args, "params")?;
        match t::instantiate(tpl, &a, &env) {
            Ok(wf) => crate::model::new_workflow(py, &wf),
            Err(e) => Err(crate::errors::to_py_err(py, e)),
        }
    }
}

#[pyfunction]
pub fn builtin_names() -> Vec<&'static str> {
    t::BUILTIN_NAMES.to_vec()
}

#[pyfunction]
pub fn builtin_listing(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py(py, &Value::Array(TemplateSet::builtin_listing()))
}

#[pyfunction]
pub fn custom_listing<'py>(
    py: Python<'py>,
    doc: &Bound<'py, PyAny>,
    file_name: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    t::custom_listing(&to_json(doc)?, file_name).map(|v| to_py(py, &v)).transpose()
}

/// `{{var}}` placeholders in the strings of `obj` replaced by `str()` of the param (unknown
/// names kept), through dicts and lists: the core's substitution of custom YAML templates.
#[pyfunction]
pub fn substitute<'py>(obj: &Bound<'py, PyAny>, params: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let params = crate::convert::to_map(params, "params")?;
    to_py(obj.py(), &t::substitute_braces(&crate::convert::to_json(obj)?, &params))
}

#[pyfunction]
pub fn parse_yaml<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let v = t::parse_yaml(text).map_err(PyValueError::new_err)?;
    to_py(py, &v)
}

/// clone_and_test's change_spec mapped onto aiops (`ValueError` for what aiops would refuse).
#[pyfunction]
pub fn aiops_change<'py>(py: Python<'py>, change_spec: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let v = t::aiops_change(&to_json(change_spec)?).map_err(PyValueError::new_err)?;
    to_py(py, &v)
}

/// The guest username, or `ValueError`: there is no default guest account.
#[pyfunction]
pub fn require_guest_username<'py>(username: &Bound<'py, PyAny>, place: &str) -> PyResult<Bound<'py, PyAny>> {
    t::guest_username(&to_json(username)?, place).map_err(PyValueError::new_err)?;
    Ok(username.clone())
}
