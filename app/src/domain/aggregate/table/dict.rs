//! A dictionary of the distinct values of a column, interned to numbers.

use crate::domain::csv;

/// Byte strings to dense codes: open addressing on an FNV-1a hash.
#[derive(Clone, Debug, Default)]
pub(super) struct Dict {
    pub(super) values: Vec<Vec<u8>>,
    pub(super) slots: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Dict {
    pub(super) fn code(&mut self, bytes: &[u8]) -> u32 {
        if self.slots.is_empty() {
            self.slots = vec![EMPTY; 64];
        }
        let mask = self.slots.len() - 1;
        let mut i = (fnv(bytes) as usize) & mask;
        loop {
            match self.slots[i] {
                EMPTY => break,
                c if self.values[c as usize] == bytes => return c,
                _ => i = (i + 1) & mask,
            }
        }
        let code = self.values.len() as u32;
        self.values.push(bytes.to_vec());
        self.slots[i] = code;
        if self.values.len() * 2 > self.slots.len() {
            self.grow();
        }
        code
    }

    pub(super) fn grow(&mut self) {
        let mut slots = vec![EMPTY; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (code, v) in self.values.iter().enumerate() {
            let mut i = (fnv(v) as usize) & mask;
            while slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = code as u32;
        }
        self.slots = slots;
    }

    pub(super) fn label(&self, code: usize) -> String {
        csv::text(&self.values[code]).into_owned()
    }
}
