//! Built-in measurement families with Akeneo-compatible family and unit codes, and exact
//! decimal conversion between the units of a family.

use rust_decimal::Decimal;

/// A measurement family: the units a metric attribute may use, all convertible to `standard_unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasurementFamily {
    pub code: &'static str,
    /// Locale code to label; always has `en_US`.
    pub labels: &'static [(&'static str, &'static str)],
    pub standard_unit: &'static str,
    pub units: &'static [Unit],
}

/// A unit and its conversion to the family's standard unit: `standard = amount * factor + offset`.
///
/// `factor` and `offset` are decimal strings, except that a value whose decimal expansion does not
/// terminate (5/9 for Fahrenheit, 1/3600 for a coulomb in ampere-hours, π/180 for a degree) is
/// written as a quotient `"a/b"` of two decimals so that conversions stay exact; use [`convert`]
/// rather than parsing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub code: &'static str,
    pub symbol: &'static str,
    pub factor: &'static str,
    pub offset: &'static str,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MeasureError {
    #[error("unknown unit {unit} in measurement family {family}")]
    UnknownUnit { family: String, unit: String },
    #[error("conversion overflow")]
    Overflow,
}

pub fn families() -> &'static [MeasurementFamily] {
    FAMILIES
}

/// Looks a family up by its exact code, e.g. `"Weight"`.
pub fn family(code: &str) -> Option<&'static MeasurementFamily> {
    FAMILIES.iter().find(|f| f.code == code)
}

impl MeasurementFamily {
    pub fn unit(&self, code: &str) -> Option<&'static Unit> {
        self.units.iter().find(|u| u.code == code)
    }

    /// A unit as suppliers write it: its code or its symbol, ignoring case (`kg`, `KILOGRAM`).
    pub fn unit_by_word(&self, word: &str) -> Option<&'static Unit> {
        let word = word.trim();
        self.unit(word)
            .or_else(|| self.units.iter().find(|u| u.symbol == word))
            .or_else(|| {
                self.units.iter().find(|u| {
                    u.code.eq_ignore_ascii_case(word)
                        || u.symbol.to_lowercase() == word.to_lowercase()
                })
            })
    }
}

/// A result within `SNAP_TOLERANCE` (relative) of its rounding to `SNAP_DIGITS` significant digits
/// is snapped to that rounding. `Decimal` keeps 28 digits but only 28 decimal places, so π-based
/// factors, products longer than 28 digits and small intermediate values leave noise in the last
/// places (1 mC → Ah → mC would give 1.00000000000000000000008); snapping removes it. A genuinely
/// non-terminating result such as 100 °F = 37.777…8 °C lies farther from its rounding and keeps
/// full precision, which is what lets it convert back exactly, and so does any exact result of up
/// to 20 significant digits.
const SNAP_DIGITS: u32 = 15;
const SNAP_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 20);

/// Converts `amount` from unit `from` to unit `to` of `family`, trailing zeros removed.
pub fn convert(
    family: &MeasurementFamily,
    amount: Decimal,
    from: &str,
    to: &str,
) -> Result<Decimal, MeasureError> {
    let (from, to) = (lookup(family, from)?, lookup(family, to)?);
    if from.code == to.code {
        return Ok(amount.normalize());
    }
    let (a, b) = (Affine::of(from)?, Affine::of(to)?);
    // standard = (amount * a.num + a.offset) / a.den and result = (standard * b.den - b.offset)
    // / b.num, merged so that the one inexact step is the final division: 5/9 and π are never
    // rounded midway.
    let numerator = mul(add(mul(amount, a.num)?, a.offset)?, b.den)?
        .checked_sub(mul(b.offset, a.den)?)
        .ok_or(MeasureError::Overflow)?;
    let value = numerator
        .checked_div(mul(a.den, b.num)?)
        .ok_or(MeasureError::Overflow)?;
    Ok(snap(value)?.normalize())
}

fn snap(value: Decimal) -> Result<Decimal, MeasureError> {
    // round_sf pads shorter values with zeros and can then exceed the maximum scale, and such
    // values have nothing to snap anyway.
    if value.mantissa().unsigned_abs() < 10u128.pow(SNAP_DIGITS) {
        return Ok(value);
    }
    let rounded = value.round_sf(SNAP_DIGITS).ok_or(MeasureError::Overflow)?;
    let noise = value
        .checked_sub(rounded)
        .ok_or(MeasureError::Overflow)?
        .abs();
    Ok(if noise <= mul(value.abs(), SNAP_TOLERANCE)? {
        rounded
    } else {
        value
    })
}

/// Converts `amount` from `unit` to the family's standard unit.
pub fn to_standard(
    family: &MeasurementFamily,
    amount: Decimal,
    unit: &str,
) -> Result<Decimal, MeasureError> {
    convert(family, amount, unit, family.standard_unit)
}

fn lookup(family: &MeasurementFamily, code: &str) -> Result<&'static Unit, MeasureError> {
    family.unit(code).ok_or_else(|| MeasureError::UnknownUnit {
        family: family.code.to_string(),
        unit: code.to_string(),
    })
}

/// A unit's conversion as `standard = (amount * num + offset) / den`.
struct Affine {
    num: Decimal,
    offset: Decimal,
    den: Decimal,
}

impl Affine {
    fn of(unit: &Unit) -> Result<Self, MeasureError> {
        let (factor_num, factor_den) = fraction(unit.factor);
        let (offset_num, offset_den) = fraction(unit.offset);
        Ok(Affine {
            num: mul(factor_num, offset_den)?,
            offset: mul(offset_num, factor_den)?,
            den: mul(factor_den, offset_den)?,
        })
    }
}

fn fraction(s: &'static str) -> (Decimal, Decimal) {
    match s.split_once('/') {
        Some((num, den)) => (parse(num), parse(den)),
        None => (parse(s), Decimal::ONE),
    }
}

// The tables are constants checked by the tests, so a parse failure is a bug in this file.
fn parse(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("measurement tables hold valid decimals")
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, MeasureError> {
    a.checked_mul(b).ok_or(MeasureError::Overflow)
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, MeasureError> {
    a.checked_add(b).ok_or(MeasureError::Overflow)
}

const fn unit(code: &'static str, symbol: &'static str, factor: &'static str) -> Unit {
    Unit {
        code,
        symbol,
        factor,
        offset: "0",
    }
}

const fn fam(
    code: &'static str,
    labels: &'static [(&'static str, &'static str)],
    standard_unit: &'static str,
    units: &'static [Unit],
) -> MeasurementFamily {
    MeasurementFamily {
        code,
        labels,
        standard_unit,
        units,
    }
}

// Family order, codes and standard units follow Akeneo's installer. Where Akeneo approximates a
// unit that has an exact definition (acre, square furlong, cubic inch, foot and yard, psi, torr,
// mmHg, angles) the exact value is used, and its VolumeFlow factors, several inverted, are fixed.
#[rustfmt::skip]
const FAMILIES: &[MeasurementFamily] = &[
    fam("Area", &[("en_US", "Area"), ("fr_FR", "Surface")], "SQUARE_METER", &[
        unit("SQUARE_MILLIMETER", "mm²", "0.000001"),
        unit("SQUARE_CENTIMETER", "cm²", "0.0001"),
        unit("SQUARE_DECIMETER", "dm²", "0.01"),
        unit("SQUARE_METER", "m²", "1"),
        unit("CENTIARE", "ca", "1"),
        unit("SQUARE_DEKAMETER", "dam²", "100"),
        unit("ARE", "a", "100"),
        unit("SQUARE_HECTOMETER", "hm²", "10000"),
        unit("HECTARE", "ha", "10000"),
        unit("SQUARE_KILOMETER", "km²", "1000000"),
        unit("SQUARE_MIL", "sq mil", "0.00000000064516"),
        unit("SQUARE_INCH", "in²", "0.00064516"),
        unit("SQUARE_FOOT", "ft²", "0.09290304"),
        unit("SQUARE_YARD", "yd²", "0.83612736"),
        unit("ARPENT", "arpent", "3418.89"),
        unit("ACRE", "A", "4046.8564224"),
        unit("SQUARE_FURLONG", "fur²", "40468.564224"),
        unit("SQUARE_MILE", "mi²", "2589988.110336"),
    ]),
    // Akeneo counts kilobytes and up in powers of 1024 but kilobits and up in powers of 1000.
    fam("Binary", &[("en_US", "Binary"), ("fr_FR", "Binaire")], "BYTE", &[
        unit("BIT", "b", "0.125"),
        unit("BYTE", "B", "1"),
        unit("KILOBIT", "kbit", "125"),
        unit("MEGABIT", "Mbit", "125000"),
        unit("GIGABIT", "Gbit", "125000000"),
        unit("KILOBYTE", "kB", "1024"),
        unit("MEGABYTE", "MB", "1048576"),
        unit("GIGABYTE", "GB", "1073741824"),
        unit("TERABYTE", "TB", "1099511627776"),
    ]),
    fam("Decibel", &[("en_US", "Decibel"), ("fr_FR", "Décibel")], "DECIBEL", &[
        unit("DECIBEL", "dB", "1"),
    ]),
    fam("Frequency", &[("en_US", "Frequency"), ("fr_FR", "Fréquence")], "HERTZ", &[
        unit("HERTZ", "Hz", "1"),
        unit("KILOHERTZ", "kHz", "1000"),
        unit("MEGAHERTZ", "MHz", "1000000"),
        unit("GIGAHERTZ", "GHz", "1000000000"),
        unit("TERAHERTZ", "THz", "1000000000000"),
    ]),
    // Akeneo's code for the foot is FEET.
    fam("Length", &[("en_US", "Length"), ("fr_FR", "Longueur")], "METER", &[
        unit("MICROMETER", "µm", "0.000001"),
        unit("MILLIMETER", "mm", "0.001"),
        unit("CENTIMETER", "cm", "0.01"),
        unit("DECIMETER", "dm", "0.1"),
        unit("METER", "m", "1"),
        unit("DEKAMETER", "dam", "10"),
        unit("HECTOMETER", "hm", "100"),
        unit("KILOMETER", "km", "1000"),
        unit("MIL", "mil", "0.0000254"),
        unit("INCH", "in", "0.0254"),
        unit("FEET", "ft", "0.3048"),
        unit("YARD", "yd", "0.9144"),
        unit("CHAIN", "ch", "20.1168"),
        unit("FURLONG", "fur", "201.168"),
        unit("MILE", "mi", "1609.344"),
        unit("NAUTICAL_MILE", "nmi", "1852"),
    ]),
    // HORSEPOWER is not in Akeneo; it is the mechanical horsepower, 550 ft·lbf/s.
    fam("Power", &[("en_US", "Power"), ("fr_FR", "Puissance")], "WATT", &[
        unit("WATT", "W", "1"),
        unit("KILOWATT", "kW", "1000"),
        unit("MEGAWATT", "MW", "1000000"),
        unit("GIGAWATT", "GW", "1000000000"),
        unit("TERAWATT", "TW", "1000000000000"),
        unit("HORSEPOWER", "hp", "745.69987158227022"),
    ]),
    fam("Voltage", &[("en_US", "Voltage"), ("fr_FR", "Tension")], "VOLT", &[
        unit("MILLIVOLT", "mV", "0.001"),
        unit("CENTIVOLT", "cV", "0.01"),
        unit("DECIVOLT", "dV", "0.1"),
        unit("VOLT", "V", "1"),
        unit("DEKAVOLT", "daV", "10"),
        unit("HECTOVOLT", "hV", "100"),
        unit("KILOVOLT", "kV", "1000"),
    ]),
    fam("Intensity", &[("en_US", "Intensity"), ("fr_FR", "Intensité")], "AMPERE", &[
        unit("MILLIAMPERE", "mA", "0.001"),
        unit("CENTIAMPERE", "cA", "0.01"),
        unit("DECIAMPERE", "dA", "0.1"),
        unit("AMPERE", "A", "1"),
        unit("DEKAMPERE", "daA", "10"),
        unit("HECTOAMPERE", "hA", "100"),
        unit("KILOAMPERE", "kA", "1000"),
    ]),
    fam("Resistance", &[("en_US", "Resistance"), ("fr_FR", "Résistance")], "OHM", &[
        unit("MILLIOHM", "mΩ", "0.001"),
        unit("CENTIOHM", "cΩ", "0.01"),
        unit("DECIOHM", "dΩ", "0.1"),
        unit("OHM", "Ω", "1"),
        unit("DEKAOHM", "daΩ", "10"),
        unit("HECTOHM", "hΩ", "100"),
        unit("KILOHM", "kΩ", "1000"),
        unit("MEGOHM", "MΩ", "1000000"),
    ]),
    fam("Speed", &[("en_US", "Speed"), ("fr_FR", "Vitesse")], "METER_PER_SECOND", &[
        unit("METER_PER_SECOND", "m/s", "1"),
        unit("METER_PER_MINUTE", "m/min", "1/60"),
        unit("METER_PER_HOUR", "m/h", "1/3600"),
        unit("KILOMETER_PER_HOUR", "km/h", "1000/3600"),
        unit("FOOT_PER_SECOND", "ft/s", "0.3048"),
        unit("FOOT_PER_HOUR", "ft/h", "0.3048/3600"),
        unit("YARD_PER_HOUR", "yd/h", "0.000254"),
        unit("MILE_PER_HOUR", "mi/h", "0.44704"),
    ]),
    fam("ElectricCharge", &[("en_US", "Electric charge"), ("fr_FR", "Charge électrique")],
        "AMPEREHOUR", &[
        unit("MILLIAMPEREHOUR", "mAh", "0.001"),
        unit("AMPEREHOUR", "Ah", "1"),
        unit("MILLICOULOMB", "mC", "1/3600000"),
        unit("CENTICOULOMB", "cC", "1/360000"),
        unit("DECICOULOMB", "dC", "1/36000"),
        unit("COULOMB", "C", "1/3600"),
        unit("DEKACOULOMB", "daC", "1/360"),
        unit("HECTOCOULOMB", "hC", "1/36"),
        unit("KILOCOULOMB", "kC", "1/3.6"),
    ]),
    // A month is a twelfth of Akeneo's 365-day year.
    fam("Duration", &[("en_US", "Duration"), ("fr_FR", "Durée")], "SECOND", &[
        unit("MILLISECOND", "ms", "0.001"),
        unit("SECOND", "s", "1"),
        unit("MINUTE", "min", "60"),
        unit("HOUR", "h", "3600"),
        unit("DAY", "d", "86400"),
        unit("WEEK", "week", "604800"),
        unit("MONTH", "month", "2628000"),
        unit("YEAR", "year", "31536000"),
    ]),
    // K = (°F + 459.67) × 5/9, written × 5/9 + 2298.35/9 as the offset applies after the factor.
    fam("Temperature", &[("en_US", "Temperature"), ("fr_FR", "Température")], "KELVIN", &[
        Unit { code: "CELSIUS", symbol: "°C", factor: "1", offset: "273.15" },
        Unit { code: "FAHRENHEIT", symbol: "°F", factor: "5/9", offset: "2298.35/9" },
        unit("KELVIN", "K", "1"),
        unit("RANKINE", "°R", "5/9"),
        Unit { code: "REAUMUR", symbol: "°Ré", factor: "1.25", offset: "273.15" },
    ]),
    // Akeneo's OUNCE, PINT, GALLON and BARREL are imperial (1 gallon = 4.54609 l exactly).
    fam("Volume", &[("en_US", "Volume"), ("fr_FR", "Volume")], "CUBIC_METER", &[
        unit("MICROLITER", "µl", "0.000000001"),
        unit("CUBIC_MILLIMETER", "mm³", "0.000000001"),
        unit("CUBIC_CENTIMETER", "cm³", "0.000001"),
        unit("MILLILITER", "ml", "0.000001"),
        unit("CENTILITER", "cl", "0.00001"),
        unit("DECILITER", "dl", "0.0001"),
        unit("CUBIC_DECIMETER", "dm³", "0.001"),
        unit("LITER", "l", "0.001"),
        unit("HECTOLITER", "hl", "0.1"),
        unit("CUBIC_METER", "m³", "1"),
        unit("OUNCE", "oz", "0.0000284130625"),
        unit("PINT", "pt", "0.00056826125"),
        unit("GALLON", "gal", "0.00454609"),
        unit("BARREL", "bbl", "0.16365924"),
        unit("CUBIC_INCH", "in³", "0.000016387064"),
        unit("CUBIC_FOOT", "ft³", "0.028316846592"),
        unit("CUBIC_YARD", "yd³", "0.764554857984"),
    ]),
    // ONCE, MARC and LIVRE are the old French units Akeneo ships; OUNCE and POUND are avoirdupois.
    fam("Weight", &[("en_US", "Weight"), ("fr_FR", "Poids")], "KILOGRAM", &[
        unit("MICROGRAM", "µg", "0.000000001"),
        unit("MILLIGRAM", "mg", "0.000001"),
        unit("GRAM", "g", "0.001"),
        unit("KILOGRAM", "kg", "1"),
        unit("TON", "t", "1000"),
        unit("GRAIN", "gr", "0.00006479891"),
        unit("DENIER", "denier", "0.001275"),
        unit("ONCE", "once", "0.03059"),
        unit("MARC", "marc", "0.24475"),
        unit("LIVRE", "livre", "0.4895"),
        unit("OUNCE", "oz", "0.028349523125"),
        unit("POUND", "lb", "0.45359237"),
    ]),
    // psi = 0.45359237 kg × 9.80665 m/s² per (0.0254 m)², torr = 1/760 atm and mmHg is the
    // conventional 133.322387415 Pa.
    fam("Pressure", &[("en_US", "Pressure"), ("fr_FR", "Pression")], "BAR", &[
        unit("PASCAL", "Pa", "0.00001"),
        unit("HECTOPASCAL", "hPa", "0.001"),
        unit("KILOPASCAL", "kPa", "0.01"),
        unit("MEGAPASCAL", "MPa", "10"),
        unit("GIGAPASCAL", "GPa", "10000"),
        unit("MILLIBAR", "mbar", "0.001"),
        unit("CENTIBAR", "cbar", "0.01"),
        unit("DECIBAR", "dbar", "0.1"),
        unit("BAR", "bar", "1"),
        unit("KILOBAR", "kbar", "1000"),
        unit("MEGABAR", "Mbar", "1000000"),
        unit("ATM", "atm", "1.01325"),
        unit("PSI", "psi", "4.4482216152605/64.516"),
        unit("TORR", "Torr", "1.01325/760"),
        unit("MMHG", "mmHg", "0.00133322387415"),
    ]),
    // WATTHOUR and KILOWATTHOUR are not in Akeneo; batteries and energy labels need them.
    fam("Energy", &[("en_US", "Energy"), ("fr_FR", "Énergie")], "JOULE", &[
        unit("JOULE", "J", "1"),
        unit("KILOJOULE", "kJ", "1000"),
        unit("CALORIE", "cal", "4.184"),
        unit("KILOCALORIE", "kcal", "4184"),
        unit("WATTHOUR", "Wh", "3600"),
        unit("KILOWATTHOUR", "kWh", "3600000"),
    ]),
    fam("CaseBox", &[("en_US", "Packaging"), ("fr_FR", "Emballage")], "PIECE", &[
        unit("PIECE", "Pc", "1"),
        unit("DOZEN", "Dz", "12"),
    ]),
    // Lumens and nits measure different quantities; Akeneo's factor is kept so that imported
    // values convert as they did there.
    fam("Brightness", &[("en_US", "Brightness"), ("fr_FR", "Luminosité")], "LUMEN", &[
        unit("LUMEN", "lm", "1"),
        unit("NIT", "nits", "0.2918855809"),
    ]),
    fam("Force", &[("en_US", "Force"), ("fr_FR", "Force")], "NEWTON", &[
        unit("MILLINEWTON", "mN", "0.001"),
        unit("NEWTON", "N", "1"),
        unit("KILONEWTON", "kN", "1000"),
        unit("MEGANEWTON", "MN", "1000000"),
    ]),
    // π to 28 decimal places; conversions between two π-based units divide it back out.
    fam("Angle", &[("en_US", "Angle"), ("fr_FR", "Angle")], "RADIAN", &[
        unit("RADIAN", "rad", "1"),
        unit("MILLIRADIAN", "mrad", "0.001"),
        unit("MICRORADIAN", "µrad", "0.000001"),
        unit("DEGREE", "°", "3.1415926535897932384626433833/180"),
        unit("MINUTE", "′", "3.1415926535897932384626433833/10800"),
        unit("SECOND", "″", "3.1415926535897932384626433833/648000"),
        unit("GON", "gon", "3.1415926535897932384626433833/200"),
        unit("MIL", "mil", "3.1415926535897932384626433833/3200"),
        unit("REVOLUTION", "rev", "6.2831853071795864769252867666"),
    ]),
    fam("Capacitance", &[("en_US", "Capacitance"), ("fr_FR", "Capacité électrique")], "FARAD", &[
        unit("ATTOFARAD", "aF", "0.000000000000000001"),
        unit("PICOFARAD", "pF", "0.000000000001"),
        unit("NANOFARAD", "nF", "0.000000001"),
        unit("MICROFARAD", "µF", "0.000001"),
        unit("MILLIFARAD", "mF", "0.001"),
        unit("FARAD", "F", "1"),
        unit("KILOFARAD", "kF", "1000"),
    ]),
    fam("VolumeFlow", &[("en_US", "Volume flow"), ("fr_FR", "Débit volumétrique")],
        "CUBIC_METER_PER_SECOND", &[
        unit("CUBIC_METER_PER_SECOND", "m³/s", "1"),
        unit("CUBIC_METER_PER_MINUTE", "m³/min", "1/60"),
        unit("CUBIC_METER_PER_HOUR", "m³/h", "1/3600"),
        unit("CUBIC_METER_PER_DAY", "m³/d", "1/86400"),
        unit("MILLILITER_PER_SECOND", "ml/s", "0.000001"),
        unit("MILLILITER_PER_MINUTE", "ml/min", "0.000001/60"),
        unit("MILLILITER_PER_HOUR", "ml/h", "0.000001/3600"),
        unit("MILLILITER_PER_DAY", "ml/d", "0.000001/86400"),
        unit("CUBIC_CENTIMETER_PER_SECOND", "cm³/s", "0.000001"),
        unit("CUBIC_CENTIMETER_PER_MINUTE", "cm³/min", "0.000001/60"),
        unit("CUBIC_CENTIMETER_PER_HOUR", "cm³/h", "0.000001/3600"),
        unit("CUBIC_CENTIMETER_PER_DAY", "cm³/d", "0.000001/86400"),
        unit("CUBIC_DECIMETER_PER_MINUTE", "dm³/min", "0.001/60"),
        unit("CUBIC_DECIMETER_PER_HOUR", "dm³/h", "0.001/3600"),
        unit("LITER_PER_SECOND", "l/s", "0.001"),
        unit("LITER_PER_MINUTE", "l/min", "0.001/60"),
        unit("LITER_PER_HOUR", "l/h", "0.001/3600"),
        unit("LITER_PER_DAY", "l/d", "0.001/86400"),
        unit("KILOLITER_PER_HOUR", "kl/h", "1/3600"),
    ]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn words(case: &str) -> Vec<&str> {
        case.split_whitespace()
            .map(|w| w.trim_end_matches(':'))
            .collect()
    }

    /// Each case reads "Family: amount FROM = expected TO".
    fn check(cases: &[&str]) {
        for case in cases {
            let [code, amount, from, "=", expected, to] = words(case)[..] else {
                panic!("malformed case {case}");
            };
            let got = convert(family(code).unwrap(), d(amount), from, to).unwrap();
            assert_eq!(got.to_string(), expected, "{case}");
        }
    }

    #[test]
    fn conversions_are_exact() {
        check(&[
            "Length: 1 INCH = 2.54 CENTIMETER",
            "Length: 2.54 CENTIMETER = 1 INCH",
            "Length: 3 FEET = 36 INCH",
            "Weight: 1 POUND = 0.45359237 KILOGRAM",
            "Weight: 0.45359237 KILOGRAM = 1 POUND",
            "Weight: 16 OUNCE = 1 POUND",
            "Weight: 1000 GRAM = 1 KILOGRAM",
            "Volume: 1 LITER = 1000 MILLILITER",
            "Volume: 330 MILLILITER = 0.33 LITER",
            "Power: 1.5 KILOWATT = 1500 WATT",
            "Power: 250 WATT = 0.25 KILOWATT",
            "Binary: 2 GIGABYTE = 2048 MEGABYTE",
            "Speed: 1 MILE_PER_HOUR = 1.609344 KILOMETER_PER_HOUR",
            // Quotient factors cancel out before the single final division.
            "Speed: 36 KILOMETER_PER_HOUR = 10 METER_PER_SECOND",
            "Speed: 10 METER_PER_SECOND = 36 KILOMETER_PER_HOUR",
            "ElectricCharge: 3600 COULOMB = 1 AMPEREHOUR",
            "ElectricCharge: 2 MILLIAMPEREHOUR = 7.2 COULOMB",
            "Pressure: 760 TORR = 1 ATM",
            "Angle: 90 DEGREE = 100 GON",
            "Angle: 1 REVOLUTION = 360 DEGREE",
            "Angle: 180 DEGREE = 3.1415926535897932384626433833 RADIAN",
        ]);
    }

    #[test]
    fn temperatures() {
        check(&[
            "Temperature: 100 CELSIUS = 212 FAHRENHEIT",
            "Temperature: 212 FAHRENHEIT = 100 CELSIUS",
            "Temperature: 0 CELSIUS = 273.15 KELVIN",
            "Temperature: -40 CELSIUS = -40 FAHRENHEIT",
            "Temperature: 98.6 FAHRENHEIT = 37 CELSIUS",
            "Temperature: 0 KELVIN = 0 RANKINE",
            "Temperature: 80 REAUMUR = 100 CELSIUS",
            "Temperature: 100 FAHRENHEIT = 37.777777777777777777777777778 CELSIUS",
        ]);
        let kelvin = to_standard(family("Temperature").unwrap(), d("212"), "FAHRENHEIT");
        assert_eq!(kelvin, Ok(d("373.15")));
    }

    /// Each case reads "Family: amount FROM TO" and converts there and back.
    #[test]
    fn round_trips_come_back_unchanged() {
        for case in [
            "Temperature: 100 FAHRENHEIT CELSIUS",
            "Temperature: 37.5 CELSIUS FAHRENHEIT",
            "Temperature: -459.67 FAHRENHEIT KELVIN",
            "Temperature: 1.3 RANKINE REAUMUR",
            "ElectricCharge: 1 MILLICOULOMB AMPEREHOUR",
            "Speed: 7 FOOT_PER_HOUR KILOMETER_PER_HOUR",
            "Angle: 45 DEGREE RADIAN",
            "Pressure: 32 PSI BAR",
            "VolumeFlow: 250 MILLILITER_PER_DAY LITER_PER_HOUR",
        ] {
            let [code, amount, a, b] = words(case)[..] else {
                panic!("malformed case {case}");
            };
            let f = family(code).unwrap();
            let back = convert(f, convert(f, d(amount), a, b).unwrap(), b, a);
            assert_eq!(back, Ok(d(amount)), "{case}");
        }
    }

    #[test]
    fn to_standard_normalizes() {
        let length = family("Length").unwrap();
        assert_eq!(to_standard(length, d("5"), "KILOMETER"), Ok(d("5000")));
        let metre = to_standard(length, d("1.50"), "METER").unwrap();
        assert_eq!(metre.to_string(), "1.5");
    }

    #[test]
    fn unknown_units_and_families_are_rejected() {
        let weight = family("Weight").unwrap();
        let err = convert(weight, Decimal::ONE, "METER", "GRAM").unwrap_err();
        let message = "unknown unit METER in measurement family Weight";
        assert_eq!(err.to_string(), message);
        let (family_code, unit) = ("Weight".into(), "gram".into());
        let unknown = MeasureError::UnknownUnit {
            family: family_code,
            unit,
        };
        assert_eq!(to_standard(weight, Decimal::ONE, "gram"), Err(unknown));
        assert!(family("weight").is_none());
    }

    #[test]
    fn overflow_is_an_error() {
        let binary = family("Binary").unwrap();
        let max = Decimal::MAX;
        let overflow = Err(MeasureError::Overflow);
        assert_eq!(convert(binary, max, "TERABYTE", "BYTE"), overflow);
        assert_eq!(convert(binary, max, "BYTE", "BYTE"), Ok(max));
    }

    #[test]
    fn horsepower_is_550_foot_pounds_force_per_second() {
        let horsepower = family("Power").unwrap().unit("HORSEPOWER").unwrap();
        let foot_pound_force = d("0.3048") * d("0.45359237") * d("9.80665");
        assert_eq!(d("550") * foot_pound_force, parse(horsepower.factor));
    }

    #[test]
    fn tables_are_consistent() {
        let mut family_codes = HashSet::new();
        for f in families() {
            assert!(family_codes.insert(f.code), "duplicate family {}", f.code);
            assert!(f.labels.iter().any(|l| l.0 == "en_US"), "{}", f.code);
            let standard = f.unit(f.standard_unit).expect(f.standard_unit);
            assert_eq!((standard.factor, standard.offset), ("1", "0"), "{}", f.code);
            let mut unit_codes = HashSet::new();
            for u in f.units {
                assert!(unit_codes.insert(u.code), "duplicate {}", u.code);
                let ((num, den), (offset, offset_den)) = (fraction(u.factor), fraction(u.offset));
                assert!(num > Decimal::ZERO && den > Decimal::ZERO, "{}", u.code);
                assert!(offset_den > Decimal::ZERO, "{}", u.code);
                assert!(offset.is_zero() || f.code == "Temperature", "{}", u.code);
            }
        }
    }
}
