//! PLACEHOLDER while the IAM call is written; replaced before commit.
use crate::error::Result;
/// placeholder
pub async fn list_mfa_devices(_keys: &crate::sts::LongTermKeys) -> Result<Vec<String>> {
    Ok(Vec::new())
}
