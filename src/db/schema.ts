// Every table of the platform, gathered for drizzle-kit and for the typed database handle.
// Each table is defined in the folder of the concept that owns it.
export * from '../reference/reference.table.ts';
export * from '../rounds/round.table.ts';
export * from '../pledges/pledge.table.ts';
export * from '../audit/audit.table.ts';
export * from '../cases/case.table.ts';
export * from '../state-of-play/arrivals.table.ts';
export * from '../seed/seed.table.ts';
export * from '../identity/identity.table.ts';
export * from '../cases/case-supporter.table.ts';
export * from '../imports/upload.table.ts';
export * from '../identity/saved-view.table.ts';
export * from '../programmes/programme.table.ts';
export * from '../sponsorship/sponsorship.table.ts';
export * from '../complementary/complementary.table.ts';
export * from '../incentives/incentive.table.ts';
export * from '../statistics/statistics.table.ts';
export * from '../federation/federation.table.ts';
export * from '../placement/placement.table.ts';
