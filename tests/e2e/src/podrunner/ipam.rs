//! Pod addresses: from the node's `podCIDR`, from the top down, so that they do not meet the
//! addresses kwok hands out from the bottom up to the pods it plays.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// An IPv4 network `a.b.c.d/len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: Ipv4Addr,
    pub prefix_len: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (ip, len) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not a CIDR"))?;
        let ip: Ipv4Addr = ip.parse().map_err(|e| format!("{s:?}: {e}"))?;
        let prefix_len: u8 = len.parse().map_err(|e| format!("{s:?}: {e}"))?;
        if !(8..=30).contains(&prefix_len) {
            return Err(format!("{s:?}: prefix length must be 8 to 30"));
        }
        let mask = u32::MAX << (32 - prefix_len);
        Ok(Self {
            network: Ipv4Addr::from(u32::from(ip) & mask),
            prefix_len,
        })
    }
}

impl Cidr {
    /// Host addresses from the highest down, without the network, the broadcast and the
    /// first host (the gateway's by convention).
    pub fn hosts_from_top(&self) -> impl Iterator<Item = Ipv4Addr> {
        let base = u32::from(self.network);
        let size = 1u32 << (32 - self.prefix_len);
        (2..size - 1)
            .rev()
            .map(move |offset| Ipv4Addr::from(base + offset))
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let mask = u32::MAX << (32 - self.prefix_len);
        u32::from(ip) & mask == u32::from(self.network)
    }
}

/// The first free address of `cidr` from the top, given the addresses in use.
pub fn allocate(cidr: &Cidr, in_use: &BTreeSet<Ipv4Addr>) -> Option<Ipv4Addr> {
    cidr.hosts_from_top().find(|ip| !in_use.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_from_the_top_and_skips_used_addresses() -> Result<(), String> {
        let cidr: Cidr = "10.244.3.0/24".parse()?;
        let mut used = BTreeSet::new();
        assert_eq!(allocate(&cidr, &used), Some(Ipv4Addr::new(10, 244, 3, 254)));
        used.insert(Ipv4Addr::new(10, 244, 3, 254));
        assert_eq!(allocate(&cidr, &used), Some(Ipv4Addr::new(10, 244, 3, 253)));
        assert!(cidr.contains(Ipv4Addr::new(10, 244, 3, 7)));
        assert!(!cidr.contains(Ipv4Addr::new(10, 244, 4, 7)));
        let tiny: Cidr = "10.0.0.4/30".parse()?;
        assert_eq!(tiny.hosts_from_top().count(), 1);
        used.insert(Ipv4Addr::new(10, 0, 0, 6));
        assert_eq!(allocate(&tiny, &used), None);
        assert!("10.0.0.0".parse::<Cidr>().is_err());
        Ok(())
    }
}
