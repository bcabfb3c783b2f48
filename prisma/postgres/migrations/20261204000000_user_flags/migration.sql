-- AlterTable
ALTER TABLE "User" ADD COLUMN     "canReadBodies" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "disabled" BOOLEAN NOT NULL DEFAULT false;
