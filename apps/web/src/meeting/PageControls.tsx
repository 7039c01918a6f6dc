import { ChevronLeftIcon, ChevronRightIcon } from '../ui/icons';
import type { Paging, Size } from './stageLayout';

/**
 * "Previous page", "Page 2 of 4", "Next page" under the stage of a large meeting (MEET-LAYOUT);
 * nothing while everyone fits one page. The buttons are disabled at the ends; the page said aloud
 * when it changes (a polite live region), since the tiles change without any focus moving.
 */
export function PageControls({ paging, onPage }: { paging: Paging; onPage: (page: number) => void }) {
  if (paging.pages <= 1) return null;
  const { page, pages } = paging;
  return (
    <nav className="page-controls" aria-label="Pages of participants">
      <button
        type="button"
        className="control control-page"
        aria-label="Previous page"
        title="Previous page (Page Up)"
        disabled={page === 0}
        onClick={() => onPage(page - 1)}
      >
        <ChevronLeftIcon size={20} />
      </button>
      <span className="page-indicator" aria-live="polite" data-testid="page-indicator">
        Page {page + 1} of {pages}
      </span>
      <button
        type="button"
        className="control control-page"
        aria-label="Next page"
        title="Next page (Page Down)"
        disabled={page === pages - 1}
        onClick={() => onPage(page + 1)}
      >
        <ChevronRightIcon size={20} />
      </button>
    </nav>
  );
}

/** The tile that ends a page when more people are on the pages after it; it opens the next page. */
export function MoreTile({ more, size, onNext }: { more: number; size: Size; onNext: () => void }) {
  return (
    <button
      type="button"
      className="tile tile-more"
      style={{ width: size.width, height: size.height }}
      title="Show the next page"
      data-testid="more-tile"
      onClick={onNext}
    >
      <span className="tile-more-count">+{more} more</span>
    </button>
  );
}
