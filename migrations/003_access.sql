-- API keys. Only the SHA-256 of a key is stored (the key is shown once at creation), plus
-- its first characters so an admin can tell keys apart. partner_id points at the partners
-- table of a later migration, which can add the foreign key.

create table api_keys (
  id         uuid        primary key default gen_random_uuid(),
  name       text        not null,
  role       text        not null check (role in ('admin', 'analyst', 'supervisor', 'partner')),
  key_hash   text        not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  key_prefix text        not null,
  partner_id uuid,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  -- a partner key always belongs to a partner, and only partner keys do
  check ((role = 'partner') = (partner_id is not null))
);
create index api_keys_role_idx on api_keys (role) where revoked_at is null;
