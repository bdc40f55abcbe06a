pub mod apps;
