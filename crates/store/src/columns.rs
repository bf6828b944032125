//! How columns the SQL keeps as text are read into typed values. Dates are stored as
//! `YYYY-MM-DD` text on both backends; a row's date is read as a [`Date`] through these types
//! (`#[sqlx(try_from = "IsoDay")]`), and a text that is not a date is an error, never a guess.

use sqlx::ValueRef;
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::decode::Decode;
use sqlx::error::BoxDynError;
use sqlx::types::Type;
use tiendo_domain::deadline::iso_date;
use time::Date;

/// A `YYYY-MM-DD` column that is never empty.
pub struct IsoDay(Date);

/// A `YYYY-MM-DD` column that may be NULL.
pub struct MaybeIsoDay(Option<Date>);

fn read(value: AnyValueRef<'_>) -> Result<Date, BoxDynError> {
    let text = <&str as Decode<Any>>::decode(value)?;
    iso_date(text).ok_or_else(|| format!("not a YYYY-MM-DD date: {text:?}").into())
}

impl Type<Any> for IsoDay {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for IsoDay {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        read(value).map(IsoDay)
    }
}

impl From<IsoDay> for Date {
    fn from(d: IsoDay) -> Date {
        d.0
    }
}

impl Type<Any> for MaybeIsoDay {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for MaybeIsoDay {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.is_null() {
            return Ok(MaybeIsoDay(None));
        }
        read(value).map(|d| MaybeIsoDay(Some(d)))
    }
}

impl From<MaybeIsoDay> for Option<Date> {
    fn from(d: MaybeIsoDay) -> Option<Date> {
        d.0
    }
}
