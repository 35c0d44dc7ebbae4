//! Operators, numbers, and the size bound of values.

use hcl_edit::expr::BinaryOperator;
use serde_json::Value;

use super::super::value::{Val, json_number};

/// Whether a value is past the size iamlint evaluates: a template or a function that
/// doubles its input at every step would otherwise take all the memory there is. Counts at
/// most [`MAX_ITEMS`] nodes.
pub(super) fn too_large(value: &Value) -> bool {
    const MAX_TEXT: usize = 1 << 20;
    const MAX_ITEMS: usize = 100_000;
    let mut budget = MAX_ITEMS;
    let mut text = 0usize;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        if budget == 0 {
            return true;
        }
        budget -= 1;
        match node {
            Value::String(part) => {
                text += part.len();
                if text > MAX_TEXT {
                    return true;
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(members) => {
                for (name, item) in members {
                    text += name.len();
                    stack.push(item);
                }
                if text > MAX_TEXT {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

pub(super) fn number_value(number: &hcl_edit::Number) -> Value {
    if let Some(integer) = number.as_u64() {
        Value::from(integer)
    } else if let Some(integer) = number.as_i64() {
        Value::from(integer)
    } else {
        json_number(number.as_f64().unwrap_or(0.0))
    }
}

pub(super) fn binary(operator: BinaryOperator, left: &Val, right: &Val) -> Val {
    let (Some(a), Some(b)) = (left.known(), right.known()) else {
        // `false && x` and `true || x` are known whatever `x` is.
        return match (operator, left.known(), right.known()) {
            (BinaryOperator::And, Some(Value::Bool(false)), _)
            | (BinaryOperator::And, _, Some(Value::Bool(false))) => Val::Known(Value::Bool(false)),
            (BinaryOperator::Or, Some(Value::Bool(true)), _)
            | (BinaryOperator::Or, _, Some(Value::Bool(true))) => Val::Known(Value::Bool(true)),
            _ => Val::unknown_from([left, right]),
        };
    };
    let numbers = a.as_f64().zip(b.as_f64());
    let result = match operator {
        BinaryOperator::Eq => Some(Value::Bool(a == b)),
        BinaryOperator::NotEq => Some(Value::Bool(a != b)),
        BinaryOperator::And => a
            .as_bool()
            .zip(b.as_bool())
            .map(|(a, b)| Value::Bool(a && b)),
        BinaryOperator::Or => a
            .as_bool()
            .zip(b.as_bool())
            .map(|(a, b)| Value::Bool(a || b)),
        BinaryOperator::Less => numbers.map(|(a, b)| Value::Bool(a < b)),
        BinaryOperator::LessEq => numbers.map(|(a, b)| Value::Bool(a <= b)),
        BinaryOperator::Greater => numbers.map(|(a, b)| Value::Bool(a > b)),
        BinaryOperator::GreaterEq => numbers.map(|(a, b)| Value::Bool(a >= b)),
        BinaryOperator::Plus => numbers.map(|(a, b)| json_number(a + b)),
        BinaryOperator::Minus => numbers.map(|(a, b)| json_number(a - b)),
        BinaryOperator::Mul => numbers.map(|(a, b)| json_number(a * b)),
        BinaryOperator::Div => numbers
            .filter(|(_, b)| *b != 0.0)
            .map(|(a, b)| json_number(a / b)),
        BinaryOperator::Mod => numbers
            .filter(|(_, b)| *b != 0.0)
            .map(|(a, b)| json_number(a % b)),
    };
    result.map_or_else(
        || {
            Val::unknown(format!(
                "`{}` of values it does not apply to",
                operator.as_str()
            ))
        },
        Val::Known,
    )
}
