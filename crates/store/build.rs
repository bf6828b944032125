// The migrations are embedded by `sqlx::migrate!`: a changed or added file rebuilds the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
