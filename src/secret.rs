//! Random secrets and their comparison: delete tokens, session and anti-forgery tokens,
//! node names.

/// Random bytes as hex, from the operating system.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system gives random bytes");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// What is kept of a secret: its blake3 hash, as hex.
pub fn hash_secret(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_compared_whole() {
        let a = random_hex(16);
        assert_eq!(a.len(), 32);
        assert_ne!(a, random_hex(16));
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &a[..31]));
        assert!(!same_secret(&a, &random_hex(16)));
        assert!(!same_secret("abc", "abd"));
        assert_eq!(hash_secret("x"), blake3::hash(b"x").to_hex().to_string());
    }
}
