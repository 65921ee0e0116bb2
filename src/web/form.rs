//! Reading small url-encoded forms ourselves, so a malformed one gets our page in the reporter's
//! language rather than the framework's plain-text 400.

use zeroize::Zeroize;

/// The fields of an url-encoded body, in order (repeated names allowed). Values are zeroized on
/// drop: a receipt code passes through here.
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Option<Fields> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()
            .map(Fields)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Drop for Fields {
    fn drop(&mut self) {
        for (k, v) in &mut self.0 {
            k.zeroize();
            v.zeroize();
        }
    }
}
