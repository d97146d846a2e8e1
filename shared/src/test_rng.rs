//! A deterministic byte source for unit tests that need an `rng` (salts, passwords).

/// Deterministic bytes (not cryptographic; the trait is only a marker so that the code under
/// test accepts it).
pub struct Counter(pub u8);

impl rand_core::TryRng for Counter {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            self.0 = self.0.wrapping_add(97);
            *b = self.0;
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for Counter {}
