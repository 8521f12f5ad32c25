/** The platform root tenant, created by the migrations (drizzle/0002). */
export const PLATFORM_TENANT_ID = '00000000-0000-4000-8000-000000000000';
