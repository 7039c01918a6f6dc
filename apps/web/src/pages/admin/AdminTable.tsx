import type { ReactNode } from 'react';

/**
 * A table of the administration: a header of column names (an empty name is a column of row actions,
 * named for screen readers only) and the rows given.
 */
export function AdminTable({ columns, children }: { columns: readonly string[]; children: ReactNode }) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c || 'actions'}>
                {c || <span className="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
