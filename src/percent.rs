//! Percentages as Chinese official figures print them: rounded once, from the exact
//! integer ratio, by GB/T 8170-2008 (a dropped digit of exactly 5 rounds to even), or
//! half-up (四舍五入) on request. Never from a float, which is how published reports end
//! up printing 45.53% for 19290/42355.

/// How a dropped digit of exactly five is rounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// GB/T 8170-2008: exactly half rounds to the even neighbour.
    #[default]
    #[serde(rename = "gbt8170")]
    GbT8170,
    /// 四舍五入: exactly half rounds away from zero.
    HalfUp,
}

/// `numerator / denominator` as a percentage with `decimals` digits, e.g. `77.5`;
/// `None` when the denominator is 0. Negative numerators round by magnitude, then take the sign.
pub fn percent(
    numerator: i64,
    denominator: u64,
    decimals: u32,
    rounding: Rounding,
) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    let scale = 10u128.pow(decimals);
    let magnitude = u128::from(numerator.unsigned_abs()) * 100 * scale;
    let den = u128::from(denominator);
    let (mut quotient, remainder) = (magnitude / den, magnitude % den);
    let twice = remainder * 2;
    let round_up = match twice.cmp(&den) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => match rounding {
            Rounding::GbT8170 => quotient % 2 == 1,
            Rounding::HalfUp => true,
        },
    };
    if round_up {
        quotient += 1;
    }
    let sign = if numerator < 0 && quotient > 0 {
        "-"
    } else {
        ""
    };
    let whole = quotient / scale;
    Some(if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        let frac = quotient % scale;
        format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rounding::*;

    #[test]
    fn seed_figures() {
        assert_eq!(percent(1550, 2000, 1, GbT8170).as_deref(), Some("77.5"));
        assert_eq!(percent(147, 186, 1, GbT8170).as_deref(), Some("79.0"));
    }

    #[test]
    fn the_jiangxi_error_does_not_happen() {
        // 19290/42355 = 45.5436…%: two decimals give 45.54, not the printed 45.53.
        assert_eq!(percent(19290, 42355, 2, GbT8170).as_deref(), Some("45.54"));
    }

    #[test]
    fn exact_halves_round_to_even_or_up() {
        // 1/8 = 12.5%: exactly half at zero decimals.
        assert_eq!(percent(1, 8, 0, GbT8170).as_deref(), Some("12"));
        assert_eq!(percent(1, 8, 0, HalfUp).as_deref(), Some("13"));
        // 3/8 = 37.5%: the even neighbour is 38.
        assert_eq!(percent(3, 8, 0, GbT8170).as_deref(), Some("38"));
        // 1/16 = 6.25%: one decimal, exactly half, 6.2 even.
        assert_eq!(percent(1, 16, 1, GbT8170).as_deref(), Some("6.2"));
        assert_eq!(percent(1, 16, 1, HalfUp).as_deref(), Some("6.3"));
        // Above half always rounds up: 1/6 = 16.666…%.
        assert_eq!(percent(1, 6, 1, GbT8170).as_deref(), Some("16.7"));
    }

    #[test]
    fn negative_ratios_round_by_magnitude() {
        assert_eq!(percent(-1, 8, 0, GbT8170).as_deref(), Some("-12"));
        assert_eq!(percent(-1, 6, 1, HalfUp).as_deref(), Some("-16.7"));
        assert_eq!(percent(-1, 100_000, 1, GbT8170).as_deref(), Some("0.0"));
    }

    #[test]
    fn zero_denominator_is_no_number() {
        assert_eq!(percent(0, 0, 1, GbT8170), None);
    }
}
