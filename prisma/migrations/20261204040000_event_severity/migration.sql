-- AlterTable (written by hand, as 20261204000000_user_flags: SQLite adds a NOT NULL column with a
-- constant default in place). The events page filters by severity, so it becomes a column.
ALTER TABLE "EventLog" ADD COLUMN "severity" TEXT NOT NULL DEFAULT 'info';

-- Rows written before: the same answer eventSeverity() gives at read time.
UPDATE "EventLog" SET "severity" = CASE
    WHEN "kind" = 'alert-resolved' THEN 'info'
    WHEN json_extract("data", '$.severity') IN ('critical', 'warning', 'info') THEN json_extract("data", '$.severity')
    WHEN "kind" = 'alert-firing' THEN CASE WHEN json_extract("data", '$.labels.severity') = 'critical' THEN 'critical' ELSE 'warning' END
    WHEN "kind" = 'election' AND json_type("data", '$.previous') = 'text' THEN 'warning'
    WHEN "kind" IN ('quorum-lost', 'master-lost', 'node-process') THEN 'critical'
    WHEN "kind" IN ('node-down', 'member-left', 'node-restart', 'slave-lagging', 'bridge-down', 'bridge-error') THEN 'warning'
    ELSE 'info'
END;

-- CreateIndex
CREATE INDEX "EventLog_severity_time_idx" ON "EventLog"("severity", "time");
