//! The shipped closure model and the project's own labeled replies (`data/closure/`): the
//! committed model is exactly what training on the data gives, and the held-out fifth (never
//! trained on) is read well enough in every language and for every label.

use std::path::Path;

use dealwatch::detect::closure::training::{self, Item};
use dealwatch::detect::closure::{Model, shipped_model};

fn items() -> Vec<Item> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/closure");
    let items = training::load_dir(&dir).expect("training data");
    assert!(
        items.len() >= 3000,
        "training data holds {} items",
        items.len()
    );
    items
}

#[test]
fn retraining_reproduces_the_committed_model() {
    let model = training::train_items(&items());
    let committed =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/model/closure.model"))
            .expect("committed model");
    assert!(
        model.to_bytes() == committed,
        "data/model/closure.model is not what data/closure trains: run `cargo run --release --example train-closure`"
    );
    assert_eq!(
        &Model::from_bytes(&committed).expect("model file"),
        shipped_model()
    );
}

#[test]
fn held_out_replies_are_read_in_every_language_and_label() {
    let items = items();
    let (test, train): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .partition(|i| training::is_held_out(&i.id));
    let model = training::train_items(&train);
    let g = training::grade(&test, &model);
    println!(
        "held-out split of data/closure: trained on {}, graded on {}\n{g}",
        train.len(),
        test.len()
    );
    assert!(g.accuracy() >= 0.80, "held-out state {:.3}", g.accuracy());
    for (what, c, t) in g.by_lang.iter().chain(&g.by_label) {
        let share = *c as f64 / (*t).max(1) as f64;
        assert!(share >= 0.78, "held-out {what}: {share:.3} ({c}/{t})");
    }
    let (ok, n) = g.revisit;
    assert!(
        n > 50 && ok * 10 >= n * 6,
        "held-out revisit dates {ok}/{n}"
    );
}

#[test]
fn every_language_has_its_lexicon_and_data() {
    dealwatch::detect::closure::check_lexicons().expect("lexicons parse");
    let items = items();
    for lang in ["de", "en", "es", "fr", "it", "nl"] {
        for label in ["won", "lost", "vanished", "on_hold", "open"] {
            let n = items
                .iter()
                .filter(|i| i.lang == lang && i.label == label)
                .count();
            assert!(n >= 100, "{lang} {label}: only {n} training replies");
        }
    }
}
