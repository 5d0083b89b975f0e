"""Five-waters projects (五水共治项目), their plans and progress; filled by the projects issue."""
