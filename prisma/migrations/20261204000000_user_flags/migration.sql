-- AlterTable (written by hand: SQLite adds a NOT NULL column with a constant default in place;
-- `migrate diff` would redefine the whole table for the column order only)
ALTER TABLE "User" ADD COLUMN "disabled" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "User" ADD COLUMN "canReadBodies" BOOLEAN NOT NULL DEFAULT false;
