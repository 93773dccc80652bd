//! String interning: accounts, commodities and tag names/values become small integer ids,
//! so the posting table stays compact and comparisons are integer compares.

use std::num::NonZeroU32;

use rustc_hash::FxHashMap;

/// An interned string id; `Option<Symbol>` is as small as the id itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(NonZeroU32);

impl Symbol {
    /// A symbol no interner gives out (for filters that must match nothing).
    pub fn never() -> Self {
        Symbol(NonZeroU32::MAX)
    }

    /// The 0-based index of the symbol in its interner.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }

    fn from_index(i: usize) -> Self {
        Symbol(
            NonZeroU32::new(u32::try_from(i + 1).expect("fewer than 4 billion names"))
                .expect("non-zero"),
        )
    }
}

/// A table of distinct strings, each with a [`Symbol`].
#[derive(Debug, Default, Clone)]
pub struct Interner {
    names: Vec<Box<str>>,
    index: FxHashMap<Box<str>, Symbol>,
}

impl Interner {
    /// The symbol for `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> Symbol {
        if let Some(s) = self.index.get(name) {
            return *s;
        }
        let s = Symbol::from_index(self.names.len());
        self.names.push(name.into());
        self.index.insert(name.into(), s);
        s
    }

    /// The symbol for `name`, if it was interned.
    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.index.get(name).copied()
    }

    /// The string behind `symbol`.
    pub fn name(&self, symbol: Symbol) -> &str {
        &self.names[symbol.index()]
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when nothing was interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every symbol with its string, in interning order.
    pub fn iter(&self) -> impl Iterator<Item = (Symbol, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (Symbol::from_index(i), &**n))
    }

    /// Interns every name of `other` here; returns the old→new symbol map (by index).
    pub fn absorb(&mut self, other: &Interner) -> Vec<Symbol> {
        other.names.iter().map(|n| self.intern(n)).collect()
    }
}

/// An append-only text arena; strings are referred to by [`TextRef`].
#[derive(Debug, Default, Clone)]
pub struct TextArena {
    text: String,
}

/// A string stored in a [`TextArena`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct TextRef {
    start: u32,
    len: u32,
}

impl TextRef {
    /// True for the empty string.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The same string after `offset` bytes were prepended to its arena.
    #[must_use]
    pub fn shifted(self, offset: u32) -> TextRef {
        TextRef {
            start: self.start + offset,
            len: self.len,
        }
    }
}

impl TextArena {
    /// Stores `s` and returns its reference.
    ///
    /// # Panics
    /// If the arena grows beyond 4 GiB.
    pub fn push(&mut self, s: &str) -> TextRef {
        if s.is_empty() {
            return TextRef::default();
        }
        let start = u32::try_from(self.text.len()).expect("text arena below 4 GiB");
        self.text.push_str(s);
        TextRef {
            start,
            len: s.len() as u32,
        }
    }

    /// The string behind `r`.
    pub fn get(&self, r: TextRef) -> &str {
        &self.text[r.start as usize..(r.start + r.len) as usize]
    }

    /// Bytes stored so far.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `other`; references into it must be shifted by the returned offset.
    pub fn append(&mut self, other: &TextArena) -> u32 {
        let offset = u32::try_from(self.text.len()).expect("text arena below 4 GiB");
        self.text.push_str(&other.text);
        offset
    }

    /// Reserves room for `additional` more bytes.
    pub fn reserve(&mut self, additional: usize) {
        self.text.reserve(additional);
    }
}
