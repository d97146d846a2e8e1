//! Kubernetes quantities (`500Mi`, `1.5Gi`, `250m`, `2`) as numbers, for comparisons.

/// Parses a memory or storage quantity into bytes (rounded up). `None` when it is not a
/// quantity or does not fit.
pub fn parse_bytes(text: &str) -> Option<u64> {
    let (number, suffix) = split(text)?;
    let multiplier: u128 = match suffix {
        "" => 1,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "E" => 1_000_000_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        "Ei" => 1 << 60,
        "m" => return scaled(number, 1, 1000),
        _ => {
            let exponent: u32 = suffix.strip_prefix(['e', 'E'])?.parse().ok()?;
            10u128.checked_pow(exponent)?
        }
    };
    scaled(number, multiplier, 1)
}

/// Parses a CPU quantity into millicores (`250m` → 250, `0.5` → 500, `2` → 2000).
pub fn parse_millicores(text: &str) -> Option<u64> {
    match text.strip_suffix('m') {
        Some(millis) => scaled(decimal(millis)?, 1, 1),
        None => {
            let (number, suffix) = split(text)?;
            if !suffix.is_empty() {
                return None;
            }
            scaled(number, 1000, 1)
        }
    }
}

/// A decimal number as integer digits and the count of fractional digits.
type Decimal = (u128, u32);

fn decimal(text: &str) -> Option<Decimal> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 18 {
        return None;
    }
    let digits: u128 = format!("{int}{frac}").parse().ok()?;
    Some((digits, frac.len() as u32))
}

fn split(text: &str) -> Option<(Decimal, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    Some((decimal(&text[..end])?, &text[end..]))
}

/// `digits / 10^scale * multiplier / divisor`, rounded up.
fn scaled((digits, scale): Decimal, multiplier: u128, divisor: u128) -> Option<u64> {
    let numerator = digits.checked_mul(multiplier)?;
    let denominator = 10u128.checked_pow(scale)?.checked_mul(divisor)?;
    u64::try_from(numerator.div_ceil(denominator)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes() {
        assert_eq!(parse_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(parse_bytes("500M"), Some(500_000_000));
        assert_eq!(parse_bytes("100"), Some(100));
        assert_eq!(parse_bytes("1e3"), Some(1000));
        assert_eq!(parse_bytes("0"), Some(0));
        assert_eq!(parse_bytes("1Gb"), None);
        assert_eq!(parse_bytes("Gi"), None);
        assert_eq!(parse_bytes(""), None);
    }

    #[test]
    fn millicores() {
        assert_eq!(parse_millicores("250m"), Some(250));
        assert_eq!(parse_millicores("0.5"), Some(500));
        assert_eq!(parse_millicores("2"), Some(2000));
        assert_eq!(parse_millicores("1.2345"), Some(1235));
        assert_eq!(parse_millicores("2 cores"), None);
    }
}
