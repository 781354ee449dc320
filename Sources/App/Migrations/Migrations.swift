import Fluent
import Vapor

extension Application {
    /// Registers every migration once, in order. A shipped migration is never edited.
    func registerMigrations() {
        migrations.add(SessionRecord.migration)
        migrations.add(CreateGeography())
        migrations.add(CreateRegistry())
        migrations.add(CreateUsers())
        migrations.add(CreateAuditEvents())
        migrations.add(CreateImports())
        migrations.add(SeedGeography(path: directory.resourcesDirectory + "Reference/departements-france.csv"))
        migrations.add(CreateMeasureValues())
        migrations.add(CreateUserSessions())
        migrations.add(CreateJobsAndFiles())
        migrations.add(ProtectAuditEvents())
        migrations.add(CreateContracting())
        migrations.add(CreateEvaluation())
        migrations.add(CorrectiveDecisions())
    }
}
