//! Trains the shipped closure model from `data/closure/*.jsonl` and writes
//! `data/model/closure.model`; prints the held-out accuracy (a model trained on the other four
//! fifths, graded on the fifth it never saw), per language and per label.
//!
//! `cargo run --release --example train-closure [-- --check] [-- --errors] [-- --cv]`: with
//! `--cv`, only prints a five-fold cross-validation (of `CLOSURE_DATA_DIR` when set) and writes
//! nothing; with `--check`,
//! writes nothing and exits 1 when the committed model differs from the one the data gives;
//! `--errors` lists the held-out mistakes.

use std::path::Path;

use dealwatch::detect::closure::training;

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = std::env::args().any(|a| a == "--check");
    let items = training::load_dir(&root.join("data/closure"))?;
    let errors = std::env::args().any(|a| a == "--errors");
    if std::env::args().any(|a| a == "--cv") {
        // `CLOSURE_DATA_DIR` grades another data set (a candidate round) the same way.
        let items = match std::env::var_os("CLOSURE_DATA_DIR") {
            Some(dir) => training::load_dir(Path::new(&dir))?,
            None => items,
        };
        print!("{}", training::cross_validation_report(&items));
        return Ok(());
    }
    let report = training::held_out_report(&items, errors);
    print!("{report}");
    let model = training::train_items(&items);
    let bytes = model.to_bytes();
    let path = root.join("data/model/closure.model");
    if check {
        let committed = std::fs::read(&path)?;
        anyhow::ensure!(
            committed == bytes,
            "{} differs from a retrain",
            path.display()
        );
        println!("{} matches a retrain", path.display());
    } else {
        std::fs::write(&path, &bytes)?;
        println!(
            "wrote {} ({} bytes, temperature {}) from {} items",
            path.display(),
            bytes.len(),
            model.temperature(),
            items.len()
        );
    }
    Ok(())
}
