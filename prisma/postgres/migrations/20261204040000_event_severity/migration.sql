-- AlterTable
ALTER TABLE "EventLog" ADD COLUMN     "severity" TEXT NOT NULL DEFAULT 'info';

-- Rows written before: the same answer eventSeverity() gives at read time.
UPDATE "EventLog" SET "severity" = CASE
    WHEN "kind" = 'alert-resolved' THEN 'info'
    WHEN "data"->>'severity' IN ('critical', 'warning', 'info') THEN "data"->>'severity'
    WHEN "kind" = 'alert-firing' THEN CASE WHEN "data"->'labels'->>'severity' = 'critical' THEN 'critical' ELSE 'warning' END
    WHEN "kind" = 'election' AND jsonb_typeof("data"->'previous') = 'string' THEN 'warning'
    WHEN "kind" IN ('quorum-lost', 'master-lost', 'node-process') THEN 'critical'
    WHEN "kind" IN ('node-down', 'member-left', 'node-restart', 'slave-lagging', 'bridge-down', 'bridge-error') THEN 'warning'
    ELSE 'info'
END;

-- CreateIndex
CREATE INDEX "EventLog_severity_time_idx" ON "EventLog"("severity", "time");
